//! Is this text a command someone typed, and if it is `kubectl get`, how was it called?
//!
//! Owns: command recognition ([`recognise`]) and the `kubectl get` flag reading that
//! decides a table's layout ([`GetCommand`]). The kubectl vocabulary (aliases,
//! subcommands, resource names, flags that take a value) lives in `vocab` as data.
//! Does not own: prompts (`prompt`) or shell syntax (`shell`).
//!
//! How sure we must be depends on what came before the text: after a strong prompt
//! anything is a command; after a weak prompt the first word must be a known command;
//! with no prompt at all only kubectl-like commands with a known subcommand and the
//! handful of commands seen in node-failure logs (`sudo poweroff`, `systemctl stop
//! kubelet`, `date`…) count, with their arguments checked, so prose that happens to
//! start with "reboot" stays prose.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::prompt::Strength;
use super::shell::{self, Line};
use super::vocab;
use super::{Command, GetCommand};

/// A recognised command and the `# comment` typed after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    pub command: Command,
    pub comment: Option<String>,
}

/// Recognises `text` as a command, given the prompt seen before it (if any).
pub fn recognise(text: &str, prompt: Option<Strength>) -> Option<Recognised> {
    // Most lines are table rows: turn them away on their first word, before any parsing.
    let first_word = text
        .split(|c: char| c.is_whitespace() || ";|&<>".contains(c))
        .next()
        .unwrap_or("");
    if prompt.is_none() && !could_start(first_word) {
        return None;
    }
    let parsed = unquote(shell::parse_line(text));
    let typed = match parsed.comment_at {
        Some(at) => text[..at].trim(),
        None => text.trim(),
    };
    let get = parsed.commands.iter().find_map(|c| get_of(c));
    let accept = match prompt {
        Some(Strength::Strong) => true,
        Some(Strength::Weak) => !typed.is_empty() && !looks_like_prose(typed) && weak_ok(&parsed),
        None => !typed.is_empty() && !looks_like_prose(typed) && bare_ok(&parsed, typed),
    };
    accept.then(|| Recognised {
        command: Command {
            text: typed.to_string(),
            get,
            host: None,
        },
        comment: parsed.comment.filter(|c| !c.is_empty()),
    })
}

/// The names a command may begin with: kubectl's, the shell commands', the aliases'
/// and the distributions' wrappers, as one set (asked for nearly every row of a big
/// transcript: a row's first word is checked against it).
static COMMAND_NAMES: LazyLock<HashSet<&'static str, foldhash::fast::RandomState>> =
    LazyLock::new(|| {
        let wrappers = ["get", "microk8s", "k3s", "k0s", "minikube"];
        (vocab::KUBECTL_NAMES.iter().copied())
            .chain(vocab::SHELL_COMMANDS.iter().copied())
            .chain(vocab::ALIASES.iter().map(|(a, _)| *a))
            .chain(wrappers)
            .collect()
    });

/// The longest of [`COMMAND_NAMES`]: a longer word (a pod's name, mostly) is in no
/// need of hashing to know it is none of them.
static LONGEST_COMMAND_NAME: LazyLock<usize> =
    LazyLock::new(|| COMMAND_NAMES.iter().map(|n| n.len()).max().unwrap_or(0));

/// A first word that may begin a command with no prompt before it.
pub(crate) fn could_start(word: &str) -> bool {
    let name = base(word);
    COMMAND_NAMES.contains(name) || word.contains('=') || name.ends_with(".exe")
}

/// [`could_start`] for a word of `[a-z0-9.-]` only (a plain row's first word): such a
/// word has no path to strip and no `=`, so only the set and `.exe` are left to ask.
/// Asked for nearly every line of a big transcript, where the general form's
/// backward split on two separators was most of its cost.
pub(crate) fn could_start_plain(word: &str) -> bool {
    debug_assert!(word
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-'));
    (word.len() <= *LONGEST_COMMAND_NAME && COMMAND_NAMES.contains(word)) || word.ends_with(".exe")
}

/// `watch -n 1 'kubectl get pods | grep web'`: a command quoted as one word after a
/// prefix is read as the command itself (outer pipe stages are kept after it).
fn unquote(mut line: Line) -> Line {
    for command in &mut line.commands {
        let Some(first) = command.first() else {
            continue;
        };
        let head = strip_prefixes(first);
        if head.len() != 1 || !head[0].contains(char::is_whitespace) {
            continue;
        }
        let inner = shell::parse_line(&head[0]);
        if let Some(mut stages) = inner.commands.into_iter().next() {
            stages.extend(command.drain(1..));
            *command = stages;
        }
    }
    line
}

/// True when `text` begins with a word that is a known command (for `➜ ` prompts).
pub fn starts_command(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .take(4)
        .map(str::to_string)
        .collect();
    let head = strip_prefixes(&words);
    head.first()
        .is_some_and(|w| kubectl_args(head).is_some() || vocab::SHELL_COMMANDS.contains(&base(w)))
}

/// After a weak prompt: the first word is a known command or a path to a script.
fn weak_ok(line: &Line) -> bool {
    let Some(stage) = line.commands.first().and_then(|c| c.first()) else {
        return false;
    };
    let head = strip_prefixes(stage);
    let Some(first) = head.first() else {
        // Only prefixes (`sudo`, `watch`): still a command word.
        return true;
    };
    kubectl_args(head).is_some()
        || bare_get(head).is_some()
        || vocab::SHELL_COMMANDS.contains(&base(first))
        || first.starts_with("./")
        || first.starts_with('/')
        || first.starts_with("~/")
        || first.ends_with(".sh")
}

/// With no prompt: kubectl with a known subcommand, or a failure-injection command with
/// arguments that fit it.
fn bare_ok(line: &Line, typed: &str) -> bool {
    // `echo b > /proc/sysrq-trigger` — the redirection target is the whole point.
    if typed.starts_with("echo ") && typed.contains("/proc/sysrq-trigger") {
        return true;
    }
    let Some(stage) = line.commands.first().and_then(|c| c.first()) else {
        return false;
    };
    let head = strip_prefixes(stage);
    if let Some(args) = kubectl_args(head) {
        return subcommand(&args).is_some_and(|s| vocab::SUBCOMMANDS.contains(&s.as_str()));
    }
    if bare_get(head).is_some() {
        return true;
    }
    let Some(first) = head.first() else {
        return false;
    };
    let args: Vec<&str> = head[1..].iter().map(String::as_str).collect();
    let second = args.first().copied().unwrap_or("");
    let flag = |a: &&str| a.starts_with('-');
    match base(first) {
        "poweroff" | "reboot" | "halt" => args.iter().all(|a| flag(a) || *a == "now"),
        "shutdown" => args.iter().all(|a| {
            flag(a) || *a == "now" || a.starts_with('+') || a.contains(':') && a.len() <= 5
        }),
        "date" => args.iter().all(|a| flag(a) || a.starts_with('+')),
        "systemctl" => vocab::SYSTEMCTL_VERBS.contains(&second),
        "virsh" => vocab::VIRSH_VERBS.contains(&second),
        "vagrant" | "multipass" | "docker" | "podman" | "lxc" | "incus" | "kind" => {
            vocab::MACHINE_VERBS.contains(&second)
        }
        "kill" | "pkill" | "killall" => args.iter().any(|a| {
            flag(a) || a.chars().all(|c| c.is_ascii_digit()) || vocab::NODE_DAEMONS.contains(a)
        }),
        // `ssh node2 sudo poweroff`, `ssh node2 'sudo poweroff'`, `ssh -t root@node2`
        "ssh" => args.iter().any(|a| {
            let word = a.split_whitespace().next().unwrap_or("");
            flag(a) || a.contains('@') || vocab::FAILURE_COMMANDS.contains(&base(word))
        }),
        "sleep" => args.len() == 1 && second.trim_end_matches(['s', 'm']).parse::<f64>().is_ok(),
        _ => false,
    }
}

/// Prose, not a command: ends in sentence punctuation after a word, or holds CJK
/// ideographs or full-width punctuation (a Chinese sentence mentioning `kubectl`).
fn looks_like_prose(text: &str) -> bool {
    let mut tail = text.chars().rev();
    let last = tail.next();
    let before = tail.next();
    if matches!(last, Some('.' | '?' | '!' | ':' | ','))
        && before.is_some_and(|c| c.is_alphabetic())
    {
        return true;
    }
    text.chars().any(|c| {
        ('\u{4E00}'..='\u{9FFF}').contains(&c)
            || ('\u{3000}'..='\u{303F}').contains(&c)
            || ('\u{FF00}'..='\u{FFEF}').contains(&c)
    })
}

/// The file name of a command word: `/usr/local/bin/kubectl` → `kubectl`.
fn base(word: &str) -> &str {
    word.rsplit(['/', '\\']).next().unwrap_or(word)
}

/// Drops words that run another command: `sudo [-E] [-u u]`, `time`, `nohup`, `env`,
/// `VAR=value`, `timeout 60`, `stdbuf -oL`, and `watch [-n 2] [-d]`.
fn strip_prefixes(words: &[String]) -> &[String] {
    let mut w = words;
    loop {
        let Some(first) = w.first() else { return w };
        let skip_flags = |w: &[String], valued: &[&str]| -> usize {
            let mut i = 1;
            while let Some(a) = w.get(i) {
                if !a.starts_with('-') || a == "--" {
                    if a == "--" {
                        i += 1;
                    }
                    break;
                }
                let takes = valued.contains(&a.as_str());
                i += if takes { 2 } else { 1 };
            }
            i
        };
        let n = match base(first) {
            "sudo" => skip_flags(w, &["-u", "-g", "-h", "-C", "-D", "-p"]),
            "watch" => skip_flags(w, &["-n", "--interval", "-q", "--equexit"]),
            "stdbuf" | "nohup" | "time" | "env" | "exec" | "command" => skip_flags(w, &[]),
            "timeout" => skip_flags(w, &["-s", "-k", "--signal", "--kill-after"]) + 1,
            _ if first.contains('=') && !first.starts_with('-') && !first.starts_with('=') => 1,
            _ => return w,
        };
        w = &w[n.min(w.len())..];
    }
}

/// The kubectl arguments when `words` start with a kubectl-like command; an alias that
/// stands for `kubectl get pods` yields `get pods`.
fn kubectl_args(words: &[String]) -> Option<Vec<String>> {
    let first = words.first()?;
    let rest = |n: usize| words[n.min(words.len())..].to_vec();
    let name = base(first).to_ascii_lowercase();
    if vocab::KUBECTL_NAMES.contains(&name.as_str()) {
        return Some(rest(1));
    }
    let second = words.get(1).map(String::as_str);
    match (name.as_str(), second) {
        ("microk8s" | "k3s" | "k0s", Some("kubectl")) => return Some(rest(2)),
        ("minikube", Some("kubectl")) => {
            let n = if words.get(2).map(String::as_str) == Some("--") {
                3
            } else {
                2
            };
            return Some(rest(n));
        }
        _ => {}
    }
    let (_, expansion) = vocab::ALIASES.iter().find(|(a, _)| *a == name)?;
    let mut args: Vec<String> = expansion.split_whitespace().map(str::to_string).collect();
    args.extend(rest(1));
    Some(args)
}

/// `get <resource> …` typed without `kubectl` (a real transcript did so): only when the
/// next word is a resource name kubectl knows.
fn bare_get(words: &[String]) -> Option<Vec<String>> {
    if words.first().map(String::as_str) != Some("get") {
        return None;
    }
    let resource = words.get(1)?;
    is_resource(resource).then(|| words.to_vec())
}

/// A resource argument: known names, joined by commas, maybe with `.group` or `/name`.
fn is_resource(arg: &str) -> bool {
    arg.split(',').all(|part| {
        let kind = part.split(['/', '.']).next().unwrap_or("");
        vocab::RESOURCES.contains(&kind.to_ascii_lowercase().as_str())
    })
}

/// The kubectl subcommand: the first word that is not a flag or a flag's value.
fn subcommand(args: &[String]) -> Option<String> {
    read_args(args).into_iter().find_map(|a| match a {
        Arg::Positional(p) => Some(p),
        Arg::Flag(..) => None,
    })
}

/// A kubectl argument, normalised: `-owide`, `-o=wide`, `--output=wide` and
/// `--output wide` all become `Flag("o"|"output", Some("wide"))`.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Flag(String, Option<String>),
    Positional(String),
}

/// Reads arguments the way pflag does: combined short booleans (`-wA`), a short flag's
/// value glued (`-nkube-system`, `-n=x`) or in the next word, `--long=value` or
/// `--long value` for flags known to take one, `--` ends the flags.
fn read_args(args: &[String]) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            out.extend(it.by_ref().map(|p| Arg::Positional(p.clone())));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None if vocab::LONG_VALUED.contains(&long) => {
                    (long.to_string(), it.next().cloned())
                }
                None => (long.to_string(), None),
            };
            out.push(Arg::Flag(name, value));
        } else if let Some(shorts) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (i, c) in shorts.char_indices() {
                if vocab::SHORT_VALUED.contains(&c) {
                    let glued = &shorts[i + c.len_utf8()..];
                    let value = if glued.is_empty() {
                        it.next().cloned()
                    } else {
                        Some(glued.strip_prefix('=').unwrap_or(glued).to_string())
                    };
                    out.push(Arg::Flag(c.to_string(), value));
                    break;
                }
                out.push(Arg::Flag(c.to_string(), None));
            }
        } else {
            out.push(Arg::Positional(a.clone()));
        }
    }
    out
}

/// The `kubectl get` in one command of a line (with its pipeline), if it is one.
fn get_of(pipeline: &[Vec<String>]) -> Option<GetCommand> {
    let head = strip_prefixes(pipeline.first()?);
    let args = kubectl_args(head).or_else(|| bare_get(head))?;
    let mut get = read_get(&args)?;
    // A filter after the pipe may drop the header; `tee`, `cat`, `ts`, a pager or a
    // read loop pass every line through.
    get.piped = pipeline[1..].iter().any(|stage| {
        let head = strip_prefixes(stage);
        !head
            .first()
            .is_some_and(|w| vocab::PASS_THROUGH.contains(&base(w)))
    });
    Some(get)
}

/// Reads `get` arguments into a [`GetCommand`] (`kubectl events` as `get events`);
/// `None` when the subcommand is neither.
fn read_get(args: &[String]) -> Option<GetCommand> {
    let mut get = GetCommand::default();
    let mut positionals = Vec::new();
    let mut saw_get = false;
    // `kubectl events` (1.26+) prints the event table `get events` does.
    let mut events = false;
    // `--watch=false` is the only way to turn a boolean flag off.
    let on = |v: &Option<String>| v.as_deref() != Some("false");
    for arg in read_args(args) {
        match arg {
            Arg::Positional(p) if !saw_get => {
                match p.as_str() {
                    "get" => {}
                    "events" => {
                        events = true;
                        get.resource = Some(p);
                    }
                    _ => return None,
                }
                saw_get = true;
            }
            Arg::Positional(_) if events => {}
            Arg::Positional(p) => positionals.push(p),
            Arg::Flag(name, value) => match name.as_str() {
                "w" | "watch" => get.watch = on(&value),
                "watch-only" => {
                    get.watch_only = on(&value);
                    get.watch |= get.watch_only;
                }
                "o" | "output" => {
                    get.wide = value.as_deref() == Some("wide");
                    get.output = value.filter(|v| v != "wide");
                }
                "A" | "all-namespaces" => get.all_namespaces = on(&value),
                "n" | "namespace" => get.namespace = value,
                "L" | "label-columns" => get.label_columns.extend(
                    value
                        .iter()
                        .flat_map(|v| v.split(','))
                        .filter(|k| !k.is_empty())
                        .map(str::to_string),
                ),
                "show-labels" => get.show_labels = on(&value),
                "show-kind" => get.show_kind = on(&value),
                "no-headers" => get.no_headers = on(&value),
                "output-watch-events" => get.output_watch_events = on(&value),
                // `-l`, `--context`, `--kubeconfig`… do not change the table's layout.
                _ => {}
            },
        }
    }
    if !saw_get {
        return None;
    }
    let mut names = Vec::new();
    for (i, p) in positionals.into_iter().enumerate() {
        match p.split_once('/') {
            // `pod/web-0`: the type before the slash, the name after it.
            Some((kind, name)) => {
                get.resource.get_or_insert_with(|| kind.to_string());
                names.push(name.to_string());
            }
            None if i == 0 => get.resource = Some(p),
            None => names.push(p),
        }
    }
    get.names = names;
    Some(get)
}

/// What a `kubectl describe` command line names: the resource and the one object, as
/// typed (`describe po/web-0`, `describe pod web-0`, `describe nodes`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DescribeCommand {
    /// The resource argument (`po`, `pod`, `node`); `None` when not given or not plain
    /// text (`$(kubectl get pod -o name)`).
    pub resource: Option<String>,
    /// The object's name, when exactly one is given.
    pub name: Option<String>,
}

/// Reads a command line as `kubectl describe …` (aliases included: `kdp`, `k describe`).
pub fn describe_of(text: &str) -> Option<DescribeCommand> {
    let parsed = unquote(shell::parse_line(text));
    let head = strip_prefixes(parsed.commands.first()?.first()?);
    let args = kubectl_args(head)?;
    let mut positionals = read_args(&args).into_iter().filter_map(|a| match a {
        Arg::Positional(p) => Some(p),
        Arg::Flag(..) => None,
    });
    if positionals.next()? != "describe" {
        return None;
    }
    let plain = |w: &String| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._/:".contains(&b))
    };
    let rest: Vec<String> = positionals.collect();
    let mut d = DescribeCommand::default();
    if let Some(first) = rest.first().filter(|w| plain(w)) {
        match first.split_once('/') {
            Some((kind, name)) => {
                d.resource = Some(kind.to_string());
                d.name = (rest.len() == 1 && !name.is_empty()).then(|| name.to_string());
            }
            None => {
                d.resource = Some(first.clone());
                d.name = (rest.len() == 2)
                    .then(|| rest[1].clone())
                    .filter(|n| plain(n) && !n.contains('/'));
            }
        }
    }
    Some(d)
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
