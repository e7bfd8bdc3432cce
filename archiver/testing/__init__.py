"""Test utilities shipped with the package (documented public API): the simulated X."""
