"""Reusable widgets that render values they are given; no rules and no core calls inside."""
