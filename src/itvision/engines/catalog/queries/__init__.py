"""Reading the catalog: `categories` (the tree, lists, one category) and `products` (lists with
filters, sorting and pages, one product, one variant)."""
