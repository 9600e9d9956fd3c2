"""Reference data shipped as versioned data files with provenance."""
