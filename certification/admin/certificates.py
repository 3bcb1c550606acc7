"""Admin of schemes and certificates."""
