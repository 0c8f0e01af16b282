"""Helpers tests share across components, imported instead of test modules or conftest files."""
