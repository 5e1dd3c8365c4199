"""Migration rules (westdev.economy.markets.migration): logit utilities, flows, drawn moves."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from westdev.economy.agents.workers import WorkerPopulation
from westdev.economy.markets.migration import (
    MigrationModel,
    cell_code,
    cell_index,
    cell_origins,
    cell_population,
    draw_moves,
    expected_cell_flows,
    flow_derivatives,
    populated_cells,
    working_age_cells,
)
from westdev.economy.start_year import newton_step

N = 3
LOG_DIST = np.log(np.array([[1.0, 10.0, 20.0], [10.0, 1.0, 5.0], [20.0, 5.0, 1.0]]))  # 0 diag
INCOME = np.array([[40_000.0, 80_000.0], [50_000.0, 90_000.0], [60_000.0, 120_000.0]])  # (d, s)
SERVICES = np.array([1.0, 1.2, 1.5])


def _model(**kw) -> MigrationModel:
    args = dict(log_distance=LOG_DIST, west=np.array([True, True, False]), income_weight=1.0,
                public_service_weight=0.5, distance_elasticity=1.5,
                age_cost=np.array([0.0, 0.5, 1.0]), hukou_cost=2.0,
                amenity=np.array([0.0, 0.1, -0.1]), move_cost=3.0)
    args.update(kw)
    return MigrationModel(**args)


def _v(m: MigrationModel, access=0.2, port=0.3, incentive=None):
    inc = np.zeros(N) if incentive is None else incentive
    return m.utilities(INCOME, SERVICES, access, port, inc)


def test_utility_hand_example():
    v = _v(_model())
    assert v.shape == (N, N, 2, 3, N)  # (o, h, s, a, d)
    # stay at home (o = h = d = 0), low skill, band 15–29: no costs at all
    # V = ln 40000 + 0.5 · ln 1.0 + 0 = 10.596635
    assert v[0, 0, 0, 0, 0] == pytest.approx(math.log(40_000), rel=1e-12)
    # o = h = 0 → d = 1, low skill, band 30–44:
    # V = ln 50000 + 0.5 ln 1.2 + 0.1                         = 10.819778 + 0.091161 + 0.1
    #     − (3 + 1.5 · 1 · ln 10)                             − (3 + 3.453878)
    #     − age cost 0.5
    #     − (hukou 2 · (1 − 0.2) + portability 0.3) = − 1.9
    #   = 11.010939 − 6.453878 − 0.5 − 1.9 = 2.157061
    expected = (math.log(50_000) + 0.5 * math.log(1.2) + 0.1 - (3 + 1.5 * math.log(10)) - 0.5
                - (2 * 0.8 + 0.3))
    assert v[0, 0, 0, 1, 1] == pytest.approx(expected, rel=1e-12)
    assert v[0, 0, 0, 1, 1] == pytest.approx(2.157061, abs=1e-6)
    # a migrant living in 1 with hukou 0 returning home (d = 0): moving costs but no hukou cost
    # V = ln 40000 − (3 + 1.5 ln 10) − 0 = 10.596635 − 6.453878 = 4.142757 (band 15–29)
    assert v[1, 0, 0, 0, 0] == pytest.approx(math.log(40_000) - 3 - 1.5 * math.log(10))


def test_probabilities_sum_to_one_over_destinations():
    p = MigrationModel.probabilities(_v(_model()))
    assert p.shape == (N, N, 2, 3, N)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert (p >= 0).all()
    # two equal utilities split 50/50; a gap of ln 3 gives 3:1
    q = MigrationModel.probabilities(np.array([[0.0, 0.0], [math.log(3.0), 0.0]]))
    np.testing.assert_allclose(q, [[0.5, 0.5], [0.75, 0.25]])


def test_higher_amenity_raises_choice_probability():
    p0 = MigrationModel.probabilities(_v(_model()))
    p1 = MigrationModel.probabilities(_v(_model(amenity=np.array([0.0, 0.4, -0.1]))))
    # destination 1 becomes more likely in every cell, the others less likely
    assert (p1[..., 1] > p0[..., 1]).all()
    assert (p1[..., 0] < p0[..., 0]).all() and (p1[..., 2] < p0[..., 2]).all()


def test_higher_hukou_cost_lowers_moves_away_from_hukou_province():
    p_lo = MigrationModel.probabilities(_v(_model(hukou_cost=1.0)))
    p_hi = MigrationModel.probabilities(_v(_model(hukou_cost=3.0)))
    for h in range(N):
        away_lo = 1.0 - p_lo[:, h, :, :, h]
        away_hi = 1.0 - p_hi[:, h, :, :, h]
        # from every origin, ending up outside the hukou province gets less likely
        assert (away_hi < away_lo).all()
    # full access for migrants (migrant_access = 1) switches the hukou cost off entirely
    a = MigrationModel.probabilities(_v(_model(hukou_cost=1.0), access=1.0))
    b = MigrationModel.probabilities(_v(_model(hukou_cost=3.0), access=1.0))
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_skilled_incentive_affects_only_skilled_non_hukou_incentive_destinations():
    m = _model()
    incentive = np.array([8_000.0, 0.0, 0.0])  # paid in destination 0 (west) only
    diff = _v(m, incentive=incentive) - _v(m)
    # bonus = b · ln(1 + 8000/80000) = ln 1.1 = 0.0953102 for s = high, d = 0, h ≠ 0
    mask = np.zeros(diff.shape, dtype=bool)
    mask[:, 1:, 1, :, 0] = True
    np.testing.assert_allclose(diff[mask], math.log(1.1), rtol=1e-12)
    assert (diff[~mask] == 0).all()


def test_skilled_incentive_only_counts_in_western_destinations():
    m = _model()
    incentive = np.array([0.0, 0.0, 8_000.0])  # destination 2 is not western
    diff = _v(m, incentive=incentive) - _v(m)
    assert (diff == 0).all()


def _flows(pop: np.ndarray, prob: np.ndarray):
    n = pop.shape[0]
    cells = populated_cells(pop)
    return expected_cell_flows(pop.ravel()[cells], prob.reshape(-1, n)[cells],
                               cell_origins(cells, n), n)


def test_expected_flows_hand_example_and_balance():
    # 2 provinces; only cell (o = 0, h = 0, low, 15–29) has people: 100, choosing [0.7, 0.3]
    pop = np.zeros((2, 2, 2, 3))
    pop[0, 0, 0, 0] = 100.0
    prob = np.zeros((2, 2, 2, 3, 2))
    prob[0, ..., 0] = 1.0  # everyone else stays
    prob[1, ..., 1] = 1.0
    prob[0, 0, 0, 0] = [0.7, 0.3]
    inflow, outflow = _flows(pop, prob)
    # 100 · 0.3 = 30 leave 0 for 1
    np.testing.assert_allclose(inflow, [0.0, 30.0])
    np.testing.assert_allclose(outflow, [30.0, 0.0])
    # general case: inflows and outflows balance nationally
    rng = np.random.default_rng(0)
    pop = rng.uniform(0, 1e5, (N, N, 2, 3))
    inflow, outflow = _flows(pop, MigrationModel.probabilities(_v(_model(move_cost=0.5))))
    assert inflow.sum() == pytest.approx(outflow.sum(), rel=1e-12)
    assert (inflow >= 0).all() and (outflow >= 0).all()


def _workers(n: int, seed: int) -> WorkerPopulation:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 5, n).astype(np.int8)
    emp = (age >= 1) & (age <= 3) & (rng.random(n) < 0.7)
    return WorkerPopulation(
        residence=rng.integers(0, N, n).astype(np.int16),
        hukou=rng.integers(0, N, n).astype(np.int16), age=age,
        skill=rng.integers(0, 2, n).astype(np.int8), employed=emp,
        sector=np.where(emp, 1, -1).astype(np.int8), weight=np.ones(n))


def test_draw_moves():
    w = _workers(60_000, 1)
    before = {k: getattr(w, k).copy() for k in w.__dataclass_fields__}
    prob = MigrationModel.probabilities(_v(_model(move_cost=0.0, hukou_cost=0.5)))
    cells = cell_index(w, N)
    movers = draw_moves(w, prob, np.random.default_rng(2))
    assert movers.size > 0
    moved = np.zeros(w.n, dtype=bool)
    moved[movers] = True
    # only working-age agents (bands 1–3) move; children and 65+ never
    assert ((before["age"][movers] >= 1) & (before["age"][movers] <= 3)).all()
    # destination never equals origin; stayers keep their residence
    assert (w.residence[movers] != before["residence"][movers]).all()
    np.testing.assert_array_equal(w.residence[~moved], before["residence"][~moved])
    # movers become unemployed and leave their sector; others keep their jobs
    assert not w.employed[movers].any() and (w.sector[movers] == -1).all()
    np.testing.assert_array_equal(w.employed[~moved], before["employed"][~moved])
    # hukou, age, skill never change with a move
    for k in ("hukou", "age", "skill", "weight"):
        np.testing.assert_array_equal(getattr(w, k), before[k])
    # share moving ≈ expected Σ (1 − p_stay) over working-age agents
    ok = cells >= 0
    p_stay = prob.reshape(-1, N)[cells[ok], before["residence"][ok]]
    expected = (1 - p_stay).sum()
    assert movers.size == pytest.approx(expected, rel=0.05)


def test_draw_moves_destination_follows_probabilities():
    # everyone in cell (o = 0, h = 0, low, 15–29) with probabilities [0.5, 0.1, 0.4]
    n = 50_000
    w = WorkerPopulation(residence=np.zeros(n, np.int16), hukou=np.zeros(n, np.int16),
                         age=np.ones(n, np.int8), skill=np.zeros(n, np.int8),
                         employed=np.ones(n, bool), sector=np.ones(n, np.int8), weight=np.ones(n))
    prob = np.zeros((N, N, 2, 3, N))
    prob[..., 0] = 1.0
    prob[0, 0, 0, 0] = [0.5, 0.1, 0.4]
    movers = draw_moves(w, prob, np.random.default_rng(3))
    # half move (sd 0.0022); among movers 0.1/0.5 = 20 % go to 1, 0.4/0.5 = 80 % to 2
    assert movers.size / n == pytest.approx(0.5, abs=0.01)
    assert (w.residence[movers] == 1).mean() == pytest.approx(0.2, abs=0.01)
    # nobody in a cell with p_stay = 1 moves
    prob[0, 0, 0, 0] = [1.0, 0.0, 0.0]
    w.residence[:] = 0
    assert draw_moves(w, prob, np.random.default_rng(4)).size == 0


def test_cell_population_counts_working_age_only():
    w = _workers(5_000, 5)
    pop = cell_population(w, N)
    assert pop.shape == (N, N, 2, 3)
    working = (w.age >= 1) & (w.age <= 3)
    assert pop.sum() == pytest.approx(w.weight[working].sum())


def test_choices_for_populated_cells_are_the_full_grids_rows():
    """Households compute the logit only for cells (residence, hukou, skill, age band) with
    someone of working age (`working_age_cells`); each agent must meet the same probabilities
    as on the full grid, and the drawn moves must follow them."""
    w = _workers(4_000, 7)
    # leave the pair (o = 2, h = 0) without working-age agents: its cells must not be computed
    empty = (w.residence == 2) & (w.hukou == 0) & (w.age >= 1) & (w.age <= 3)
    w.age[empty] = 0
    cells = working_age_cells(w, N)
    o = cell_origins(cells, N)
    h = cells // 6 % N
    assert not ((o == 2) & (h == 0)).any()
    assert len(cells) == (N * N - 1) * 2 * 3
    m = _model(move_cost=0.0, hukou_cost=0.5)
    full = MigrationModel.probabilities(_v(m))
    some = MigrationModel.probabilities(m.utilities(INCOME, SERVICES, 0.2, 0.3, np.zeros(N),
                                                    cells=cells))
    rows = np.full(N * N * 6, -1)
    rows[cells] = np.arange(len(cells))
    working = cell_index(w, N) >= 0
    np.testing.assert_array_equal(cell_index(w, N)[working], cells[rows[cell_index(w, N)[working]]])
    np.testing.assert_array_equal(
        some[cell_index(w, N, cell_rows=rows)[working]],
        full.reshape(-1, N)[cell_index(w, N)[working]])
    # moves drawn on the cells: the expected share moves (as on the full grid)
    p_stay = full.reshape(-1, N)[cell_index(w, N)[working], w.residence[working]]
    before = copy.deepcopy(w)
    codes = cell_code(w, N)
    movers = draw_moves(w, some, np.random.default_rng(5), cells)
    assert movers.size == pytest.approx((1 - p_stay).sum(), rel=0.08)
    assert ((w.age[movers] >= 1) & (w.age[movers] <= 3)).all()
    # the agents' cells computed once by the caller give the same draws
    again = copy.deepcopy(before)
    np.testing.assert_array_equal(draw_moves(again, some, np.random.default_rng(5), cells, codes),
                                  movers)
    np.testing.assert_array_equal(again.residence, w.residence)
    full_grid = copy.deepcopy(before)
    np.testing.assert_array_equal(
        draw_moves(full_grid, full, np.random.default_rng(6), codes=codes),
        draw_moves(copy.deepcopy(before), full, np.random.default_rng(6)))


def test_flow_derivatives_match_finite_differences():
    """The start-year calibration's Newton steps use the logit's analytic derivatives of net
    and gross flows; they must equal the flows' own finite differences."""
    w = _workers(3_000, 11)
    cells = populated_cells(cell_population(w, N))
    pop, origin = cell_population(w, N).ravel()[cells], cell_origins(cells, N)

    def flows(m):
        prob = MigrationModel.probabilities(m.utilities(INCOME, SERVICES, 0.2, 0.3, np.zeros(N),
                                                        cells=cells))
        inflow, outflow = expected_cell_flows(pop, prob, origin, N)
        return inflow - outflow, inflow.sum(), prob

    m = _model(move_cost=1.0)
    _, _, prob = flows(m)
    d_net_a, d_net_m, d_gross_a, d_gross_m = flow_derivatives(pop, prob, origin, N)
    h = 1e-6
    for j in range(N):
        up, down = _model(move_cost=1.0), _model(move_cost=1.0)
        up.amenity = up.amenity.copy()
        down.amenity = down.amenity.copy()
        up.amenity[j] += h
        down.amenity[j] -= h
        (net_u, gross_u, _), (net_d, gross_d, _) = flows(up), flows(down)
        np.testing.assert_allclose(d_net_a[:, j], (net_u - net_d) / (2 * h), rtol=1e-5, atol=1e-4)
        assert d_gross_a[j] == pytest.approx((gross_u - gross_d) / (2 * h), rel=1e-5, abs=1e-4)
    (net_u, gross_u, _), (net_d, gross_d, _) = flows(_model(move_cost=1.0 + h)), flows(_model(move_cost=1.0 - h))
    np.testing.assert_allclose(d_net_m, (net_u - net_d) / (2 * h), rtol=1e-5, atol=1e-4)
    assert d_gross_m == pytest.approx((gross_u - gross_d) / (2 * h), rel=1e-5)
    assert d_gross_m < 0  # a dearer move, fewer movers


def test_newton_step_of_the_calibration_solves_the_system_with_its_implied_row():
    """The calibration's Newton system has n net-flow rows that sum to zero (one is implied),
    a gross-flow row and the Σ amenity = 0 row: dropping the last net row gives the exact
    solution of the whole system; a singular square system falls back to least squares."""
    rng = np.random.default_rng(4)
    n = 5
    jac = np.zeros((n + 2, n + 1))
    net = rng.normal(size=(n - 1, n + 1))
    jac[:n - 1], jac[n - 1] = net, -net.sum(axis=0)  # net flows sum to zero
    jac[n] = rng.normal(size=n + 1)
    jac[n + 1, :n] = 1.0
    x = rng.normal(size=n + 1)
    x[:n] -= x[:n].mean()
    np.testing.assert_allclose(newton_step(jac, jac @ x, n), x, rtol=1e-10, atol=1e-12)
    singular = jac.copy()
    singular[n] = 0.0  # no gross-flow information: the square system is singular
    step = newton_step(singular, singular @ x, n)
    np.testing.assert_allclose(singular @ step, singular @ x, atol=1e-10)
