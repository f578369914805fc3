//! One way to run the binary for every integration test: [`polscore`] takes the arguments and
//! returns a builder; set the working folder, the environment or a wrapper command on it, then
//! take the result with [`Polscore::output`] (wait for the process), [`Polscore::run`] (with a
//! time and memory limit and the checks every run must pass) or [`Polscore::command`] (to
//! start it and act on it while it runs).

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_polscore");

/// No run under [`Polscore::run`] may take longer than this (SPEC §8: no input makes polscore
/// hang).
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// A message must stay readable, even about a line of a megabyte.
pub const MAX_STDERR: usize = 10 * 1024;

/// Address space allowed to the binary under [`Polscore::run`] (Unix): a runaway allocation
/// fails fast instead of taking the machine down.
#[cfg(unix)]
const MEMORY_LIMIT_KIB: u64 = 4 * 1024 * 1024;

/// The repository's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// polscore with `args`: a builder, see the module's documentation.
pub fn polscore<I, S>(args: I) -> Polscore
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Polscore {
        args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
        dir: None,
        envs: Vec::new(),
        wrapper: Vec::new(),
    }
}

/// A run of polscore being set up.
pub struct Polscore {
    args: Vec<OsString>,
    dir: Option<PathBuf>,
    envs: Vec<(OsString, OsString)>,
    wrapper: Vec<OsString>,
}

impl Polscore {
    /// Runs in `dir` (default: the test's working folder).
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Runs the binary through `wrapper` (a program and its arguments, the binary's path and
    /// arguments follow), e.g. `setpriv` to drop privileges.
    #[cfg(unix)]
    pub fn through<S: AsRef<OsStr>>(mut self, wrapper: &[S]) -> Self {
        self.wrapper = wrapper.iter().map(|a| a.as_ref().to_owned()).collect();
        self
    }

    /// The command line: the wrapper if any, the binary, the arguments.
    fn words(&self) -> Vec<OsString> {
        let mut words = self.wrapper.clone();
        words.push(BIN.into());
        words.extend(self.args.iter().cloned());
        words
    }

    fn configure(&self, mut cmd: Command) -> Command {
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        for (key, value) in &self.envs {
            cmd.env(key, value);
        }
        cmd.stdin(Stdio::null());
        cmd
    }

    /// The command, not started; standard input is empty.
    pub fn command(&self) -> Command {
        let words = self.words();
        let mut cmd = Command::new(&words[0]);
        cmd.args(&words[1..]);
        self.configure(cmd)
    }

    /// Runs to the end and returns what it wrote.
    pub fn output(&self) -> Output {
        self.command()
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.words()))
    }

    /// Runs under [`MEMORY_LIMIT_KIB`] (Unix), killed after [`TIME_LIMIT`] and a grace period
    /// (so that a slow run is reported with its time rather than only as killed).
    pub fn run(&self) -> Run {
        let mut cmd = self.limited_command();
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().expect("the binary starts");
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let kill_after = TIME_LIMIT + Duration::from_secs(5);
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for the binary") {
                break status;
            }
            if start.elapsed() > kill_after {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("waiting for the killed binary");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let elapsed = start.elapsed();
        let stdout = out_reader.join().unwrap();
        let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
        Run {
            code: status.code(),
            stdout,
            stderr,
            elapsed,
            timed_out,
        }
    }

    #[cfg(unix)]
    fn limited_command(&self) -> Command {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_LIMIT_KIB} 2>/dev/null; exec \"$0\" \"$@\""
            ))
            .args(self.words());
        self.configure(cmd)
    }

    #[cfg(not(unix))]
    fn limited_command(&self) -> Command {
        self.command()
    }
}

/// What one [`Polscore::run`] did.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Run {
    /// Problems every run must be free of, whatever its input.
    pub fn sanity_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.timed_out {
            problems.push(format!(
                "still running after {} s (killed)",
                TIME_LIMIT.as_secs()
            ));
        } else if self.elapsed > TIME_LIMIT {
            problems.push(format!(
                "took {:.1} s, more than {} s",
                self.elapsed.as_secs_f64(),
                TIME_LIMIT.as_secs()
            ));
        }
        match self.code {
            Some(101) => problems.push("exit code 101 (a panic)".to_string()),
            None if !self.timed_out => {
                problems.push("killed by a signal (crash, abort or out of memory)".to_string())
            }
            _ => {}
        }
        if self.stderr.contains("panicked") {
            problems.push("stderr says `panicked`".to_string());
        }
        if self.stderr.len() > MAX_STDERR {
            problems.push(format!(
                "stderr is {} bytes, more than {MAX_STDERR}",
                self.stderr.len()
            ));
        }
        problems
    }

    /// A short description for failure messages.
    pub fn describe(&self) -> String {
        let mut err = self.stderr.clone();
        if err.len() > 2000 {
            let mut cut = 2000;
            while !err.is_char_boundary(cut) {
                cut -= 1;
            }
            err.truncate(cut);
            err.push_str("\n[... cut ...]");
        }
        format!(
            "exit code {:?}, {} bytes on stdout, {:.1} s; stderr:\n{err}",
            self.code,
            self.stdout.len(),
            self.elapsed.as_secs_f64()
        )
    }
}
