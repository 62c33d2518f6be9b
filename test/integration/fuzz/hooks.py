"""schemathesis hooks for the service's API fuzzing (loaded through schemathesis.toml's `hooks`).

One extra check: in the runs made with a token the hub does not accept for this service (none, a foreign,
a revoked or an unrelated-scope one; HUB_NOTEBOOKS_FUZZ_EXPECT=refused), every operation the document says
needs the hub token must answer 401 or 403 (or 4xx for a request refused before authentication), never
2xx or 3xx. schemathesis's own `ignored_auth` check covers the runs with a valid token.
"""

import os

import schemathesis

EXPECT_REFUSAL = os.environ.get("HUB_NOTEBOOKS_FUZZ_EXPECT") == "refused"


@schemathesis.check
def refused_without_valid_token(ctx, response, case):
    if not EXPECT_REFUSAL:
        return None
    security = case.operation.definition.raw.get("security", [])
    if not security:
        return None
    if response.status_code < 400:
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} to a token it must refuse"
        )
    return None
