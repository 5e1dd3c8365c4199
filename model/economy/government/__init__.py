"""Government: the rules of taxes, transfers, borrowing and social insurance (``rules``) and the
year's budgets of the 31 provinces and the centre (``budgets``)."""
