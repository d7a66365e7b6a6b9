"""Resident pages, one module per journey step (accounts, intake, results, apply,
applications). Views stay thin: validate input, call a service, render."""
