"""api of the registry app, one module per resource."""
