"""Individual educational routes (ИОМ / ИУП): curriculum rules, routes, review, progress."""
