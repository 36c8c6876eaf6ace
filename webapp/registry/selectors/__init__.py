"""selectors of the registry app, one module per resource."""
