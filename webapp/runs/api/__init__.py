"""api of the runs app, one module per resource."""
