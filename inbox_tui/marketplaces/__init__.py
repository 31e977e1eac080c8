"""Marketplaces and shops over HTTP: eBay messages, and order context from eBay, Amazon,
Shopify and WooCommerce. Adding one means one module here and its config section."""
