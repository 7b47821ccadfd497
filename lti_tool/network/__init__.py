"""The school network: member organisations, agreements, the coordination council, the annual
cycle. Named ``network`` (not ``governance``) because the course exchange (``exchange/``) asks
it the one question both share: which organisations are partners in which network."""
