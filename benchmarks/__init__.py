"""Benchmarks of archtools on synthetic Next.js monorepos (not part of the installed package)."""
