//! A real PostgreSQL server for tests: `initdb` and `pg_ctl` (Debian's `postgresql`
//! package, installed by scripts/setup.sh) in a temporary directory of its own, on a free
//! port on 127.0.0.1, with password authentication. Never a server the tests did not
//! start.
//!
//! PostgreSQL refuses to run as root: as root, the server runs as an unprivileged user
//! (`PG_TEST_USER`, else `postgres`, the package's own, else `nobody`), which owns the
//! temporary directory. The server stops when its `PgServer` is dropped and, failing
//! that, when the test process exits however it exits (even killed): a watchdog child
//! waits for EOF on a pipe that only this process holds open, then stops the server and
//! removes its directory.
//!
//! If PostgreSQL cannot be found or started, the test fails (never skips), saying how to
//! install it.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The superuser's name and password in every test cluster.
pub const USER: &str = "tower_webhook";
pub const PASSWORD: &str = "pg-test-p4ss";

pub struct PgServer {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    owner: Option<(u32, u32)>,
    /// The watchdog's stdin: closing it (at drop or at exit) stops the server.
    watchdog: Option<(Child, ChildStdin)>,
    databases: AtomicUsize,
    durable: bool,
}

/// Where `initdb` and `pg_ctl` are: `PG_BIN`, else the newest /usr/lib/postgresql/<v>/bin,
/// else the `PATH`.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return dir.into();
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").exists());
    found.unwrap_or_else(|| {
        panic!(
            "PostgreSQL's initdb was not found (looked in PG_BIN, /usr/lib/postgresql/*/bin \
             and PATH): install it (Debian: apt-get install postgresql) or run \
             scripts/setup.sh"
        )
    })
}

/// The user and group to run PostgreSQL as: `None` when not root (run as ourselves).
fn owner() -> Option<(u32, u32)> {
    let me = std::fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    if me.ok()? != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd");
    let wanted: Vec<String> = match std::env::var("PG_TEST_USER") {
        Ok(user) => vec![user],
        Err(_) => vec!["postgres".into(), "nobody".into()],
    };
    for name in &wanted {
        for line in passwd.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 3 && fields[0] == name {
                let uid: u32 = fields[2].parse().expect("uid");
                let gid: u32 = fields[3].parse().expect("gid");
                assert_ne!(uid, 0, "PG_TEST_USER must not be root");
                return Some((uid, gid));
            }
        }
    }
    panic!("running as root and none of the users {wanted:?} exists to run PostgreSQL as");
}

impl PgServer {
    /// A fresh cluster, started and accepting connections; `fsync` off (tests need no
    /// durability across a power cut, and it makes them faster).
    pub fn start() -> PgServer {
        PgServer::start_with(false)
    }

    /// A fresh cluster with PostgreSQL's default durability (`fsync` on), for benchmarks.
    pub fn start_durable() -> PgServer {
        PgServer::start_with(true)
    }

    fn start_with(durable: bool) -> PgServer {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let bin = bin_dir();
        let owner = owner();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-pg-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        std::fs::write(dir.join("pwfile"), PASSWORD).expect("password file");
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown");
            std::os::unix::fs::chown(dir.join("pwfile"), Some(uid), Some(gid)).expect("chown");
        }
        let mut server = PgServer {
            port,
            dir,
            bin,
            owner,
            watchdog: None,
            databases: AtomicUsize::new(0),
            durable,
        };
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &[
                "--pgdata",
                data.to_str().expect("path"),
                "--username",
                USER,
                "--pwfile",
                server.dir.join("pwfile").to_str().expect("path"),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-sync",
            ],
        );
        server.start_watchdog();
        server.pg_ctl_start();
        server
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command.current_dir(&self.dir).stdin(Stdio::null());
        if let Some((uid, gid)) = self.owner {
            command.uid(uid).gid(gid);
        }
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} ({e}): run scripts/setup.sh"));
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl_start(&self) {
        let mut options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=200",
            self.port,
            self.dir.display()
        );
        if !self.durable {
            options.push_str(" -c fsync=off -c full_page_writes=off");
        }
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let output = self
            .command("pg_ctl")
            .args(["--pgdata", data.to_str().expect("path"), "--log"])
            .arg(&log)
            .args(["--options", &options, "--wait", "--timeout", "60", "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run pg_ctl");
        assert!(
            output.status.success(),
            "PostgreSQL did not start: {}\n{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// A child that stops the server and removes its directory once its stdin reaches
    /// EOF: when this process drops the `PgServer` or exits in any way.
    fn start_watchdog(&mut self) {
        // SIGQUIT to the postmaster is an immediate shutdown; root may send it to the
        // unprivileged server (pg_ctl itself refuses to run as root).
        let script = format!(
            "cat >/dev/null; pid=$(head -n 1 '{pid}' 2>/dev/null); \
             if [ -n \"$pid\" ]; then kill -QUIT \"$pid\" 2>/dev/null; \
             while kill -0 \"$pid\" 2>/dev/null; do sleep 0.05; done; fi; rm -rf '{dir}'",
            pid = self.dir.join("data").join("postmaster.pid").display(),
            dir = self.dir.display(),
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: a Ctrl-C aimed at the tests does not kill it before
            // it has stopped the server.
            .process_group(0)
            .spawn()
            .expect("start the watchdog");
        let stdin = child.stdin.take().expect("watchdog stdin");
        self.watchdog = Some((child, stdin));
    }

    /// A URL with the superuser's password for database `database`.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// A new, empty database of its own: tests on one server never see each other's rows.
    pub fn fresh_database(&self, name: &str) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst);
        let database = format!(
            "{}_{n}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        let output = Command::new(self.bin.join("psql"))
            .env("PGPASSWORD", PASSWORD)
            .args([
                "--no-psqlrc",
                "--quiet",
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                &format!("CREATE DATABASE \"{database}\""),
            ])
            .stdin(Stdio::null())
            .output()
            .expect("run psql");
        assert!(
            output.status.success(),
            "CREATE DATABASE failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.url(&database)
    }

    /// Stops the server now (`immediate`, like a crash).
    pub fn stop(&mut self) {
        if let Some((mut child, mut stdin)) = self.watchdog.take() {
            let _ = stdin.flush();
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One server for the whole test binary, started on first use and stopped when the
/// process exits (by its watchdog). Tests take a [`fresh_database`](PgServer::fresh_database)
/// each.
pub fn shared() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(PgServer::start)
}

/// The server's data directory, for a test that wants to look at its log.
pub fn log(server: &PgServer) -> String {
    std::fs::read_to_string(Path::new(&server.dir).join("server.log")).unwrap_or_default()
}
