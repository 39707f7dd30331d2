"""MOSTY_BENCH=1 only: tell the benchmark how many SQL queries a request made.

First in MIDDLEWARE, so the session and user lookups count too. The count goes
in an ``X-Bench-Queries`` response header; nothing else is recorded.
"""

from django.db import connections


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        connection = connections["default"]
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
