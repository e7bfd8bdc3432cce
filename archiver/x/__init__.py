"""What we know of X: URL forms, ids, endpoints, tokens and response parsers.

Everything specific to X lives here (and in the scanner's X recognisers), so that a sibling
package for another platform is an addition, not a rewrite. Importing this package touches
no network library.
"""

from archiver.x.snowflake import snowflake_time
from archiver.x.token import syndication_token

__all__ = ["snowflake_time", "syndication_token"]
