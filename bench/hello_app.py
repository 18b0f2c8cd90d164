"""The baseline: a bare WSGI application that answers "hello" (no Flask, no database).

Served by the same gunicorn settings as the marketplace, it measures what the server, the
loopback network and the load driver cost on their own.
"""

BODY = b"hello\n"


def app(environ, start_response):
    start_response(
        "200 OK",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))],
    )
    return [BODY]
