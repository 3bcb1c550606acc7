"""Admin of warranty plans, policies and claims."""
