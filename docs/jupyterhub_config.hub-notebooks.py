# Hub Notebooks: register the hub-notebooks service with JupyterHub (3.0 and 5.x).
# Paste this into jupyterhub_config.py, or load it from there with
#   load_subconfig('/etc/jupyterhub/hub-notebooks.py')
# and edit the four lines marked EDIT. The test harness loads this very file, so what you paste is tested.
import os

# What a hub OAuth token issued to this service may carry. The service uses that token for seconds: to learn
# who signed in and to mint the extension's own token (narrower, expiring), then deletes it. Minting needs
# `tokens!user`, and a token can only mint scopes it holds itself, hence the rest of the list.
hub_notebooks_oauth_scopes = [
    'read:users:name!user',
    'read:users:groups!user',
    'read:servers!user',
    'servers!user',
    'access:servers!user',
    'tokens!user',
    'access:services!service=hub-notebooks',
]

hub_notebooks_service = {
    'name': 'hub-notebooks',
    # EDIT: where the service listens; the proxy routes /services/hub-notebooks/ here.
    'url': 'http://127.0.0.1:10101',
    # EDIT: a managed service: the hub starts and stops it and gives it its JUPYTERHUB_* environment.
    'command': ['/usr/bin/node', '/opt/hub-notebooks/dist/service.js'],
    # EDIT: the service's secret, which is also its OAuth client secret (`openssl rand -hex 32`).
    'api_token': os.environ.get('HUB_NOTEBOOKS_API_TOKEN', ''),
    # OAuth client ids must start with 'service-'. No oauth_redirect_uri: the default, the host-relative
    # /services/hub-notebooks/oauth_callback, is what the service sends, and works behind any public URL.
    'oauth_client_id': 'service-hub-notebooks',
    'oauth_client_allowed_scopes': hub_notebooks_oauth_scopes,
    'environment': {
        # Lifetime of the extension's token in seconds (default: 7 days).
        'HUB_NOTEBOOKS_TOKEN_EXPIRES_IN': '604800',
        # Extra origins allowed as sign-in redirect targets, for code-server or other web VS Code.
        # 'HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS': 'https://code.example.org',
        # The team catalog: users' homes on the shared filesystem, read by the service (which must be able to
        # read them: run it as root, as the hub does with managed services, or mount them read-only).
        'HUB_NOTEBOOKS_HOME': '/home/{username}',
        # Hub groups that make people teammates (comma separated); unset means every group.
        # 'HUB_NOTEBOOKS_TEAM_GROUPS': 'team',
        # EDIT: the hub group whose members may publish and roll back supported notebooks.
        'HUB_NOTEBOOKS_MAINTAINER_GROUPS': 'notebook-maintainers',
        # The supported store: SQLite and content-addressed blobs. Back this folder up.
        'HUB_NOTEBOOKS_DATA_DIR': '/var/lib/hub-notebooks',
        # EDIT: the environment variables of c.Spawner.environment that hold secrets (comma separated). Their
        # values are replaced by [REDACTED] in cell outputs before VS Code saves them. Names only: the values
        # are read from each kernel, never given to the service.
        'HUB_NOTEBOOKS_REDACT_ENV': '',
        # The team's header template: a notebook whose first cell is the header (unset: the built-in one).
        # 'HUB_NOTEBOOKS_HEADER_TEMPLATE': '/etc/hub-notebooks/header-template.ipynb',
    },
}
c.JupyterHub.services.append(hub_notebooks_service)  # noqa: F821 (c is provided by JupyterHub)

# The consent page says why the service asks to manage the user's tokens (JupyterHub's page names it only
# "JupyterHub service hub-notebooks"): docs/templates/oauth.html, installed beside the service. Put first, so
# it wins over JupyterHub's own oauth.html, which it extends; other clients' consent pages are unchanged.
# EDIT: where docs/templates is installed.
hub_notebooks_templates = os.environ.get('HUB_NOTEBOOKS_TEMPLATES', '/opt/hub-notebooks/templates')
if isinstance(c.JupyterHub.template_paths, list):  # noqa: F821 (set earlier in the operator's config)
    c.JupyterHub.template_paths.insert(0, hub_notebooks_templates)  # noqa: F821
else:
    c.JupyterHub.template_paths.prepend([hub_notebooks_templates])  # noqa: F821

c.JupyterHub.load_roles.extend(  # noqa: F821
    [
        {
            # Every user may sign in through the service. 'self' already holds every scope in the list,
            # but JupyterHub 3.0 grants an OAuth client only the requested scopes that a user's roles
            # spell out literally (and 3.0's default user role lacks access:services, so authorize
            # answers 403 without it). 5.x does not need the repetition; it does no harm there.
            'name': 'user',
            'scopes': ['self', *hub_notebooks_oauth_scopes],
        },
        {
            # The service's own token. Groups and members: for the team catalog. tokens: to revoke the
            # tokens it minted (on sign-out, on a replayed handoff code, on a handoff nobody redeemed).
            # It cannot start servers or act as a user.
            'name': 'hub-notebooks-service',
            'services': ['hub-notebooks'],
            'scopes': ['list:groups', 'read:groups', 'read:users:groups', 'tokens'],
        },
    ]
)
