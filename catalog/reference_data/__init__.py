"""Reference data kept as code: reviewed in pull requests, loaded by `load_reference_data`."""
