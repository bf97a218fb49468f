"""HTTP building blocks: requests, responses, headers, bodies, forms, cookies, files."""
