"""The Redis channel layer, in one place for the settings and the `ws_broadcast` bench.

Redis pub/sub rather than channels_redis's list-based layer: a message to a user's group is one PUBLISH
that Redis pushes to every server process holding one of that user's sockets, where the list-based layer
stores it per channel with a script and each server process pops its messages one round trip at a time
(a broadcast to 200 open bells queued behind 200 pops). What pub/sub gives up does not matter here: a
message for a socket that is not connected is dropped instead of kept for a while, and nothing in the portal
relies on the channel layer to store anything (notifications are rows; the bell asks for the count when its
socket opens and polls while it cannot connect)."""

import os
from urllib.parse import urlsplit

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

BACKEND = "channels_redis.pubsub.RedisPubSubChannelLayer"
PREFIX = "vbg"


def prefix_for(url: str) -> str:
    """Redis pub/sub channels ignore the database number: two deployments, test runs or benches on one Redis
    with different database numbers would hear each other's pushes. The number goes into the prefix."""
    database = urlsplit(url).path.strip("/") or "0"
    return f"{PREFIX}{database}" if database.isdecimal() else PREFIX


def redis_channel_layer(url: str, prefix: str = "") -> dict:
    """The CHANNEL_LAYERS entry for the Redis at `url`; without `prefix` the environment's CHANNEL_LAYER_PREFIX,
    else the one of the database number."""
    return {
        "BACKEND": BACKEND,
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    # A connection that Redis closed (a restart) is opened again and the command tried once
                    # more, so the first websocket after Redis comes back connects instead of failing.
                    "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
                    "retry_on_error": [RedisConnectionError, RedisTimeoutError],
                    "socket_connect_timeout": 2,
                }
            ],
            # Pub/sub channels are shared by every db of a Redis server: the db number is in the prefix, and
            # processes that must not hear each other on one db (parallel test workers, see settings_test)
            # set their own.
            "prefix": prefix or os.environ.get("CHANNEL_LAYER_PREFIX") or prefix_for(url),
        },
    }
