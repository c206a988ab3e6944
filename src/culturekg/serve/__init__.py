"""`culturekg serve`: a read-only SPARQL 1.1 Protocol endpoint, dereferenceable entity IRIs with content
negotiation, and a query page, on the standard library's ThreadingHTTPServer (loopback by default)."""
