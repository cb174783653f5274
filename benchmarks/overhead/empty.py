"""The empty program: what memflux run costs before and after any program (its fixed cost)."""
