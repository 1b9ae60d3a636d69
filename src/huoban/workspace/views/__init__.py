"""The staff workspace, one module per domain."""
