"""The orders API: one view per write, each calling one service; reads through the selectors,
scoped to the caller (another party's order or checkout is a 404). One module per party."""
