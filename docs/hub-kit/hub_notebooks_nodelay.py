"""Sets TCP_NODELAY on kernel websockets, so a cell's small replies leave the server at once.

Tornado leaves Nagle's algorithm on for websockets. A cell's replies are several small messages (status
busy, execute_input, execute_result, execute_reply, status idle); with Nagle on, the second one waits until
the client acknowledges the first, and the client delays that acknowledgement by about 40 ms. So every cell,
even `1+1`, takes at least 44 ms. With TCP_NODELAY it takes a few milliseconds.

A jupyter_server extension for jupyter_server 1.x and 2.x. Enable it with
`--ServerApp.jpserver_extensions=hub_notebooks_nodelay=True` and this file on the server's PYTHONPATH, or
see README.md next to it for the other ways. It changes one socket option and adds no handlers, settings or
messages.
"""

import functools

# Marks a wrapped `open`, so loading the extension twice wraps it once.
_MARK = '_hub_notebooks_nodelay'


def _jupyter_server_extension_points():
    """Tells jupyter_server that this module is an extension, loaded by the function below."""
    return [{'module': 'hub_notebooks_nodelay'}]


def _load_jupyter_server_extension(serverapp):
    """Makes every kernel websocket set TCP_NODELAY when it opens."""
    for handler_class in _kernel_websocket_handlers():
        _set_nodelay_on_open(handler_class)
        serverapp.log.info(
            'hub_notebooks_nodelay: TCP_NODELAY on for %s.%s websockets',
            handler_class.__module__,
            handler_class.__name__,
        )


def _kernel_websocket_handlers():
    """The classes that serve `/api/kernels/<id>/channels`, which moved between 1.x and 2.x."""
    try:
        # jupyter_server 2.x: the handler hands messages to a configurable connection class.
        from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

        return [KernelWebsocketHandler]
    except ImportError:
        # jupyter_server 1.x: the handler talks to the kernel's ZMQ sockets itself.
        from jupyter_server.services.kernels.handlers import ZMQChannelsHandler

        return [ZMQChannelsHandler]


def _set_nodelay_on_open(handler_class):
    """Wraps the class's `open`, which tornado calls once the websocket handshake is done.

    `open` is a coroutine function on 2.x and a plain function on 1.x; the wrapper returns what it returns,
    and tornado awaits that when it is awaitable, so one wrapper serves both.
    """
    original = handler_class.open
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def open_with_nodelay(self, *args, **kwargs):
        # tornado's set_nodelay skips sockets that are not TCP (a server on a unix socket) or already closed.
        self.set_nodelay(True)
        return original(self, *args, **kwargs)

    setattr(open_with_nodelay, _MARK, True)
    handler_class.open = open_with_nodelay
