"""Behaviour shared by the agent populations stored as structure of arrays."""

from __future__ import annotations

from dataclasses import fields

import numpy as np


class ArrayPopulation:
    """Mixin for dataclasses whose fields are equal-length arrays, one entry per agent."""

    def keep(self, mask: np.ndarray) -> None:
        """Drop the agents where `mask` is False (exits, deaths)."""
        if mask.all():
            return  # nobody leaves: keep the arrays as they are
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name)[mask])

    def select(self, idx: np.ndarray):
        """A new population of copies of the agents at `idx`."""
        return type(self)(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def append(self, other: ArrayPopulation) -> None:
        """Add agents (entrants, newborns) at the end."""
        for f in fields(self):
            setattr(self, f.name, np.concatenate([getattr(self, f.name), getattr(other, f.name)]))
