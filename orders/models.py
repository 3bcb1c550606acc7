"""Models arrive with their issue; the app is registered so migrations stay ordered."""
