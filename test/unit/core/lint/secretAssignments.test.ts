// The secret-assignment rule in each language a kernel speaks, its fixes, and the values that must not be
// found by any secret rule: reads of the environment, placeholders, names that only look secret, hashes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintSecrets } from '../../../../src/core/lint/secretRules';
import type { LintCell } from '../../../../src/core/lint/types';
import { applyEdits, covered, notebook } from './secretTestUtil';

/** [kernel language, source, the literal found, the source after the fix (undefined: no fix)]. */
const POSITIVES: [string, string, string, string | undefined][] = [
  [
    'python',
    'db_password = "Tr0ub4dor&3x"\n',
    '"Tr0ub4dor&3x"',
    'import os\ndb_password = os.environ["DB_PASSWORD"]\n',
  ],
  [
    'python',
    "self.api_key = 'k3yV4lue-19'\n",
    "'k3yV4lue-19'",
    'import os\nself.api_key = os.environ["API_KEY"]\n',
  ],
  [
    'python',
    'cfg = {"password": "s3cr3t-Pa55"}\n',
    '"s3cr3t-Pa55"',
    'import os\ncfg = {"password": os.environ["PASSWORD"]}\n',
  ],
  [
    'python',
    'import psycopg2\nconn = psycopg2.connect(host="db", password="s3cr3t-Pa55")\n',
    '"s3cr3t-Pa55"',
    'import os\nimport psycopg2\nconn = psycopg2.connect(host="db", password=os.environ["PASSWORD"])\n',
  ],
  [
    'python',
    'settings["client_secret"] = r"cl13nt-s3cret"\n',
    'r"cl13nt-s3cret"',
    'import os\nsettings["client_secret"] = os.environ["CLIENT_SECRET"]\n',
  ],
  [
    'python',
    'GITHUB_TOKEN: str = "abc123def456ghi"\n',
    '"abc123def456ghi"',
    'import os\nGITHUB_TOKEN: str = os.environ["GITHUB_TOKEN"]\n',
  ],
  ['python', 'pwd = "hunter2hunter2"\n', '"hunter2hunter2"', 'import os\npwd = os.environ["PASSWORD"]\n'],
  [
    'python',
    "SECRET_KEY = 'django-insecure-9x!a@b#c'\n",
    "'django-insecure-9x!a@b#c'",
    'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
  ],
  [
    'python',
    'client = Client(apiKey="k3yV4lue-19")\n',
    '"k3yV4lue-19"',
    'import os\nclient = Client(apiKey=os.environ["API_KEY"])\n',
  ],
  ['python', 'password = b"Tr0ub4dor&3x"\n', 'b"Tr0ub4dor&3x"', undefined],
  ['python', '%env API_TOKEN=abc123def456\nrun()\n', 'abc123def456', 'run()\n'],
  ['python', '!export API_TOKEN=abc123def456\n', 'abc123def456', ''],
  ['python', '!API_TOKEN=abc123def456\n!./run.sh\n', 'abc123def456', '!./run.sh\n'],
  ['python', '%%writefile config.yml\ndatabase:\n  password: Tr0ub4dor3x\n', 'Tr0ub4dor3x', undefined],
  ['python', '%%writefile .env\nSMTP_PASSWORD=Tr0ub4dor3x\n', 'Tr0ub4dor3x', undefined],
  ['python', "%%sql\nCREATE USER bob WITH PASSWORD 'b0bS3cret!';\n", "'b0bS3cret!'", undefined],
  ['sql', "ALTER USER bob IDENTIFIED BY 'b0bS3cret!';\n", "'b0bS3cret!'", undefined],
  ['r', 'password <- "Tr0ub4dor&3x"\n', '"Tr0ub4dor&3x"', 'password <- Sys.getenv("PASSWORD")\n'],
  [
    'r',
    'con <- dbConnect(RPostgres::Postgres(), user = "etl", password = "Tr0ub4dor&3x")\n',
    '"Tr0ub4dor&3x"',
    'con <- dbConnect(RPostgres::Postgres(), user = "etl", password = Sys.getenv("PASSWORD"))\n',
  ],
  ['r', "config$api_key = 'k3yV4lue-19'\n", "'k3yV4lue-19'", 'config$api_key = Sys.getenv("API_KEY")\n'],
  ['julia', 'const API_KEY = "k3yV4lue-19"\n', '"k3yV4lue-19"', 'const API_KEY = ENV["API_KEY"]\n'],
  ['julia', 'token = "abc123def456"\n', '"abc123def456"', 'token = ENV["TOKEN"]\n'],
  [
    'javascript',
    'const clientSecret = "cl13nt-s3cret";\n',
    '"cl13nt-s3cret"',
    'const clientSecret = process.env.CLIENT_SECRET;\n',
  ],
  [
    'javascript',
    'const opts = { password: `s3cr3t-Pa55` };\n',
    '`s3cr3t-Pa55`',
    'const opts = { password: process.env.PASSWORD };\n',
  ],
  [
    'typescript',
    "let apiToken: string = 'abc123def456';\n",
    "'abc123def456'",
    'let apiToken: string = process.env.API_TOKEN;\n',
  ],
  ['bash', 'export DB_PASSWORD=Tr0ub4dor3x\npsql\n', 'Tr0ub4dor3x', 'psql\n'],
  ['bash', 'DB_PASSWORD="Tr0ub4dor3x"\npsql\n', '"Tr0ub4dor3x"', 'psql\n'],
  [
    'bash',
    'mysql --password="Tr0ub4dor3x" -e "select 1"\n',
    '"Tr0ub4dor3x"',
    'mysql --password="$PASSWORD" -e "select 1"\n',
  ],
];

for (const [language, source, literal, fixed] of POSITIVES) {
  test(`secret-assignment (${language}): ${source.trim().split('\n').pop() ?? ''}`, async () => {
    const findings = await lintSecrets(notebook([{ source }], language));
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [finding] = findings;
    assert.ok(finding);
    assert.equal(finding.rule, 'secret-assignment');
    assert.equal(finding.severity, 'warning');
    assert.equal(covered(source, finding), literal);
    assert.ok(!finding.message.includes(literal.replace(/^[rb]?["'`]|["'`]$/g, '')), finding.message);
    assert.match(
      finding.message,
      /\(\d+ characters\) is written in this cell\. Read it from the environment instead\.$/,
    );
    if (fixed === undefined) {
      assert.deepEqual(finding.fixes, []);
    } else {
      assert.equal(finding.fixes.length, 1);
      assert.equal(applyEdits(source, finding.fixes[0]?.edits ?? []), fixed);
    }
  });
}

test('assignments in raw cells are found, with no fix; markdown examples are not assignments', async () => {
  const cells: Partial<LintCell>[] = [
    { kind: 'raw', source: 'password: Tr0ub4dor3x\n' },
    { kind: 'markdown', source: 'Write `password = "Tr0ub4dor&3x"` in your config.' },
  ];
  const findings = await lintSecrets(notebook(cells));
  assert.deepEqual(
    findings.map((f) => [f.cell, f.rule, f.fixes.length]),
    [[0, 'secret-assignment', 0]],
  );
});

/** Sources and outputs that hold no secret, for each rule. */
const NEGATIVES: [string, string][] = [
  ['python', 'import os\npassword = os.environ["DB_PASSWORD"]\ntoken = os.getenv("GITHUB_TOKEN")\n'],
  [
    'python',
    'token = os.environ.get("GITHUB_TOKEN", "")\npw = getpass.getpass("Password: ")\npassword = getpass()\n',
  ],
  [
    'python',
    'password = ""\napi_key = "<your api key>"\ntoken = "xxx"\ntoken = "XXXXXXXXXXXX"\npassword = "changeme"\n',
  ],
  [
    'python',
    'secret = "YOUR_SECRET_HERE"\napi_key = "${API_KEY}"\npassword = "{password}"\npassword = "***"\n',
  ],
  ['python', 'password = "..."\npassword = "password"\nPASSWORD = "PASSWORD"\napi_key = "REPLACE_ME"\n'],
  [
    'python',
    'password = pw\napi_key = get_key()\npassword = f"{prefix}-{suffix}"\nurl = f"https://u:{pw}@h.io"\n',
  ],
  [
    'python',
    'author = "Jane Doe"\ntoken_url = "https://oauth2.googleapis.com/token"\nsecret_name = "prod-db"\n',
  ],
  ['python', 'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")\ntoken = "hello"\n'],
  ['python', 'pad_token = "<pad>"\neos_token = "</s>"\nsep_token = "[SEP]"\nmask_token = "[MASK]"\n'],
  ['python', 'credentials = "creds.json"\nkey_file = "/etc/ssl/key.pem"\npwd = "/home/jovyan/work"\n'],
  ['python', 'password_hint = "the pet\'s name"\nauth_type = "basic"\ntoken = "GITHUB_TOKEN"\n'],
  ['python', 'if password == "Tr0ub4dor&3x":\n    pass\nprint("password: %s" % pw)\n'],
  ['python', 'secret = "the secret of the universe is 42"\ntoken = "a b c d"\n'],
  [
    'python',
    '# Fixed in commit 3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1.\nrun_id = "123e4567-e89b-12d3-a456-426614174000"\n',
  ],
  [
    'python',
    'md5 = "d41d8cd98f00b204e9800998ecf8427e"\nsha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"\n',
  ],
  [
    'python',
    'key = "AKIAIOSFODNN7EXAMPLE"\naws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n',
  ],
  ['python', 'token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\nkey = "sk-proj-<your key>"\n'],
  ['python', 'a = "postgresql://scott:tiger@localhost/test"\nb = "postgres://user:password@host:5432/db"\n'],
  [
    'python',
    'c = "mongodb://{user}:{password}@db.acme.io"\nd = "redis://:${REDIS_PASSWORD}@cache.acme.io"\n',
  ],
  ['python', 'e = "https://user:pass@example.com/x"\nf = "amqp://guest:guest@rabbit.acme.io"\n'],
  [
    'python',
    'headers = {"Authorization": "Bearer <token>"}\nh = "Bearer YOUR_ACCESS_TOKEN"\nh2 = f"Bearer {token}"\n',
  ],
  ['python', 'conn_str = "Server=sql;Database=dw;User Id=etl;Password={pw};"\n'],
  ['python', 'key = "-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----"\n'],
  ['r', 'token <- Sys.getenv("GITHUB_TOKEN")\npassword <- rstudioapi::askForPassword()\n'],
  ['julia', 'token = ENV["GITHUB_TOKEN"]\npassword = "$(prefix)-x"\n'],
  ['javascript', 'const token = process.env.GITHUB_TOKEN;\nconst password = `${a}${b}`;\n'],
  ['bash', 'export TOKEN="$GITHUB_TOKEN"\nTOKEN=$(cat ~/.token)\nexport PASSWORD=${DB_PASSWORD}\n'],
];

for (const [language, source] of NEGATIVES) {
  test(`not a secret (${language}): ${source.split('\n')[0] ?? ''}`, async () => {
    const findings = await lintSecrets(notebook([{ source }], language));
    assert.deepEqual(
      findings.map((f) => [f.rule, covered(source, f)]),
      [],
    );
  });
}

test('base64 images and hashes in outputs are not secrets', async () => {
  // A run of base64 that happens to hold an access-key shape, as an image's payload may.
  const payload = `iVBORw0KGgoAAAANSUhEUgAA+AKIAQWERTYUIOPASDFGH+${'A'.repeat(200)}`;
  const outputs = [
    { index: 0, text: `<img src="data:image/png;base64,${payload}">` },
    {
      index: 1,
      text: 'commit 3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1\nid 123e4567-e89b-12d3-a456-426614174000\n',
    },
  ];
  assert.deepEqual(await lintSecrets(notebook([{ source: 'show()', outputs }])), []);
  const bare = [{ index: 0, text: `data +AKIAQWERTYUIOPASDFGH+ data` }];
  assert.equal(
    (await lintSecrets(notebook([{ source: 'show()', outputs: bare }]))).length,
    1,
    'the shape alone is found',
  );
});
