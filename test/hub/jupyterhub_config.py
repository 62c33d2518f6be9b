# JupyterHub config for the test harness (test/hub/harness.ts copies it into each hub's state dir).
# Works on JupyterHub 3.0 (Debian 12) and 5.x (PyPI). Every value that changes per run, secrets included,
# comes from the JSON file named by $HUB_NOTEBOOKS_SETTINGS (mode 600 in the state dir), so no secret is
# ever pasted into Python source.
import asyncio
import json
import os

import jupyterhub

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

with open(os.environ['HUB_NOTEBOOKS_SETTINGS']) as f:
    s = json.load(f)

HUB_MAJOR = jupyterhub.version_info[0]
STATE = s['stateDir']

# --- where it listens: everything on loopback, ports picked free by the harness ---
c.JupyterHub.bind_url = s['publicUrl']
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = s['hubPort']
c.ConfigurableHTTPProxy.api_url = s['proxyApiUrl']
c.ConfigurableHTTPProxy.auth_token = s['proxyAuthToken']
c.ConfigurableHTTPProxy.command = s['proxyCommand']
c.ConfigurableHTTPProxy.should_start = True

# --- throwaway state, all inside the state dir ---
c.JupyterHub.db_url = 'sqlite:///' + os.path.join(STATE, 'jupyterhub.sqlite')
c.JupyterHub.cookie_secret_file = os.path.join(STATE, 'jupyterhub_cookie_secret')
c.JupyterHub.pid_file = os.path.join(STATE, 'hub.pid')
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, 'proxy.pid')
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who logs in: real unix users through PAM; the hub runs as root ---
c.JupyterHub.authenticator_class = 'jupyterhub.auth.PAMAuthenticator'
# Sessions would need pam_systemd and friends; login only checks the password and the account.
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(s['users'])
c.Authenticator.admin_users = set(s['adminUsers'])

# --- how servers run: as the real users, in their own sessions ---
c.JupyterHub.spawner_class = 'jupyterhub.spawner.LocalProcessSpawner'
c.Spawner.cmd = s['singleuserCmd']
# Token checks are cached 300 s by default; tests revoke tokens and expect the next request to fail.
c.Spawner.args = ['--HubOAuth.cache_max_age=1']
c.Spawner.ip = '127.0.0.1'
# Teammates' homes are readable (2750, group team), so one server can show the whole team's notebooks.
c.Spawner.notebook_dir = '/home'
# A fake secret: tests check that kernels see it and that nothing ever prints it.
c.Spawner.environment = dict(s['spawnerEnvironment'])
# Poll rarely, so a server killed by a test stays "running" in the hub's view and the proxy answers 503
# deterministically instead of the hub cleaning up at a random moment.
c.Spawner.poll_interval = 300
c.Spawner.start_timeout = 30
c.Spawner.http_timeout = 30
c.JupyterHub.allow_named_servers = True
# The spawn API answers 202 at once and clients follow /progress, as with slow spawners (Kubernetes):
# otherwise LocalProcessSpawner is ready within the default 10 s, POST answers 201, and no progress
# event or spawn-failure message is ever seen by a client.
# slow_spawn_timeout is a tornado setting, not a JupyterHub trait, on both 3.0 and 5.x.
c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}


# --- named servers with their own settings (issue 5: kernel latency and output benchmarks) ---
# 'nodelay' loads docs/hub-kit's hub_notebooks_nodelay extension (TCP_NODELAY on kernel websockets) from the
# harness's world-readable copy of docs/hub-kit; 'unthrottled' loads it too and turns off the iopub rate
# limits (0 disables them), for the 100 MB output benchmark. The default server and every other name keep the
# stock settings.
NODELAY_ARGS = ['--ServerApp.jpserver_extensions=hub_notebooks_nodelay=True']
# The limits moved in jupyter_server 2.x, where the ServerApp names are deprecated and, passed on the command
# line, have no effect; 1.x knows only those. Each version ignores the other's names without a warning.
UNTHROTTLED_ARGS = [
    '--ServerApp.iopub_data_rate_limit=0',
    '--ServerApp.iopub_msg_rate_limit=0',
    '--ZMQChannelsWebsocketConnection.iopub_data_rate_limit=0',
    '--ZMQChannelsWebsocketConnection.iopub_msg_rate_limit=0',
]
NAMED_SERVER_ARGS = {'nodelay': NODELAY_ARGS, 'unthrottled': NODELAY_ARGS + UNTHROTTLED_ARGS}
STOCK_ARGS = list(c.Spawner.args)
STOCK_ENVIRONMENT = dict(c.Spawner.environment)


def apply_named_server_settings(spawner):
    """Gives the named servers above their arguments and PYTHONPATH.

    Assigned rather than appended: the hub keeps one spawner per server and runs the hook on every start.
    """
    extra_args = NAMED_SERVER_ARGS.get(spawner.name)
    if extra_args is None:
        return
    spawner.args = STOCK_ARGS + extra_args
    spawner.environment = {**STOCK_ENVIRONMENT, 'PYTHONPATH': s['hubKitDir']}


async def fail_broken_server(spawner):
    """A named server called 'broken' fails to start, so tests can see the hub's spawn-failure message.

    POST answers 202 and the failure comes a second later, while the client follows /progress, which then
    ends with {"failed": true, "message": "Spawn failed: <this message>"}. Failing at once would lose the
    message: the spawn is over before the client opens /progress, and for a failed named server the hub
    then answers 400 "not starting..." (measured on 3.0 and 5.5). `cmd = /bin/false` would not fail
    quickly either: the hub notices the dead process only when http_timeout (30 s) runs out.
    """
    if spawner.name == 'broken':
        await asyncio.sleep(1)
        raise RuntimeError("the server named 'broken' always fails to start (test fixture)")


async def pre_spawn(spawner):
    """What named servers do differently: 'broken' fails; 'nodelay' and 'unthrottled' get their settings."""
    await fail_broken_server(spawner)
    apply_named_server_settings(spawner)


c.Spawner.pre_spawn_hook = pre_spawn

# --- groups (team, and the catalog's maintainers): 3.0 wants {name: [users]}; 4+ wants {name: {'users': [...]}} (the list form is deprecated) ---
groups = {'team': s['teamUsers'], s['maintainerGroup']: s['maintainerUsers']}
if HUB_MAJOR < 4:
    c.JupyterHub.load_groups = groups
else:
    c.JupyterHub.load_groups = {name: {'users': users} for name, users in groups.items()}

# --- services: the operator's snippet from docs/, as is, then this run's ports, command and secret ---
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
os.environ['HUB_NOTEBOOKS_TEMPLATES'] = s['templatesDir']  # the snippet's consent page, from docs/templates
with open(s['operatorSnippet']) as f:
    exec(compile(f.read(), s['operatorSnippet'], 'exec'))  # defines hub_notebooks_service

svc = s['hubNotebooks']
hub_notebooks_service['url'] = svc['url']
hub_notebooks_service['api_token'] = svc['apiToken']
hub_notebooks_service['environment'] = {**hub_notebooks_service['environment'], **svc['environment']}
if svc['command']:
    hub_notebooks_service['command'] = svc['command']
else:
    del hub_notebooks_service['command']  # started by hand (an external service)

# Tests only: a token with the admin role, to inspect and clean up. Never used by product code.
c.JupyterHub.services.append({'name': 'test-admin', 'api_token': s['testAdminToken']})
c.JupyterHub.load_roles.append(
    {
        # Tests only: the built-in admin role for the test-admin service (it includes admin:server_state,
        # which exposes each server's pid so tests can kill or check it). carol comes from admin_users;
        # 5.x then warns "both admin_users and users in the admin role": harmless, and listing carol here
        # instead did not make her an admin on 5.5.4.
        'name': 'admin',
        'services': ['test-admin'],
    },
)
