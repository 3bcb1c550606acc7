"""Pages of ordering, one module per party: `buying` (cart, checkout and the buyer's orders),
`selling` (the seller's orders and returns) and `outlet` (the pickup console). The API is in
orders/api."""
