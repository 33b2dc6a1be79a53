//! Shell prompts at the start of a line.
//!
//! Owns: recognising and removing a prompt (`$ `, `[root@host ~]# `, `➜  ~ `,
//! `PS C:\> `, a clock glued in front…). Does not own: whether what follows is a
//! command (see `command`).
//!
//! A prompt is *strong* when it cannot be anything but a prompt (`user@host:~$`,
//! `[root@host ~]#`, `PS C:\>`, `➜`, `❯`, `λ`): what follows is a command whatever it is.
//! It is *weak* when the same characters also start prose or markup (`# ` is a Markdown
//! heading or a comment, `> ` a quote, `$ `/`% ` an amount): then `command` must
//! recognise the command word before the line counts as a command.

use std::sync::LazyLock;

use regex::Regex;

use super::clock;
use super::WallClock;

/// How sure the prompt is (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    Weak,
    Strong,
}

/// A prompt found at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt<'a> {
    /// What follows the prompt, leading spaces removed.
    pub rest: &'a str,
    pub strength: Strength,
    /// A clock glued in front of the prompt (`16:46:25[root@host ~]#`).
    pub time: Option<WallClock>,
    /// The host the prompt names (`[root@rhel1 ~]#` → `rhel1`, `pi@node03:~$` →
    /// `node03`, `controlplane $` → `controlplane`, `virsh #` → `virsh`).
    pub host: Option<&'a str>,
}

/// The host named in a prompt's text: after `@` up to `:`, a space or `]`; or the
/// bare word before `:~`, ` $` or ` #`.
fn prompt_host(prompt: &str) -> Option<&str> {
    // `(venv) ` first, then `[`.
    let p = match prompt.strip_prefix('(') {
        Some(r) => r.split_once(") ").map_or(r, |(_, rest)| rest),
        None => prompt,
    };
    let p = p.trim_start_matches('[');
    let after = p.split_once('@').map_or(p, |(_, h)| h);
    let end = after
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.' || c == '_'))
        .unwrap_or(after.len());
    let host = &after[..end];
    let shell = matches!(host, "bash" | "zsh" | "sh" | "ksh" | "PS");
    (!host.is_empty() && !shell).then_some(host)
}

// Strong prompts, each anchored at the start; an optional `(venv) ` / `(base) ` first.
// The final `[#$%>]` must be followed by a space or the end of the line.
static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    let venv = r"(?:\([\w.\-]+\)\s+)?";
    let forms = [
        // [root@host ~]#   [user@host dir]$
        r"\[[^\[\]@\s]+@[^\[\]]+\]\s?[#$%>]",
        // user@host:~/dir$   root@master01:/home/x#
        r"[\w.\-]+@[\w.\-]+:[^\s#$%>]*\s?[#$%]",
        // user@host ~ %      (macOS zsh default)
        r"[\w.\-]+@[\w.\-]+\s+[^\s#$%>]+\s+[#$%]",
        // user@host$  user@host #
        r"[\w.\-]+@[\w.\-]+\s?[#$%]",
        // controlplane:~$    host:/dir#
        r"[\w.\-]+:[~/][^\s#$%>]*\s?[#$]",
        // bash-5.1$   sh-4.2#   bash>   $>     (a shell's default, or a hand-set PS1)
        r"(?:bash|zsh|sh|ksh)(?:-[\d.]+)?[$#>]|\$>",
        // host:dir user$     (macOS bash default: \h:\W \u\$)
        r"[\w.\-]+:[^\s#$%>]+\s[\w.\-]+[#$]",
        // PS C:\Users\me>    PS /home/me>
        r"PS\s+(?:[A-Za-z]:\\|/)[^>]*>",
        // ➜  ~ git:(main) ✗  — oh-my-zsh robbyrussell; the directory is added below
        r"➜",
        // ❯  λ  »  ▶  — starship, lambda themes and the like
        r"[❯λ»▶]",
    ];
    Regex::new(&format!(r"^{venv}(?:{})(?:\s+|$)", forms.join("|")))
        .expect("STRONG pattern is valid")
});

// The directory and git part robbyrussell prints after `➜ `: `~ `, `repo git:(main) ✗ `.
static ZSH_DIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^\s]+(?:\s+git:\([^)]*\))?(?:\s+✗)?(?:\s+|$)").expect("ZSH_DIR pattern is valid")
});

// Weak prompts: a single `$`, `#`, `%` or `>` then a space or the end of the line; or a
// bare host name before `$`/`#` (`controlplane $ ` on Killercoda/Katacoda) — `>` and `%`
// are left out there, as `echo > file` and `50 % of` would read as prompts.
static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[$#%>]|[\w.\-]+\s+[$#])(?:\s+|$)").expect("WEAK pattern is valid")
});

/// Finds the prompt at the start of `line` (leading spaces already removed).
///
/// `starts_command` tells whether a text begins with a command word; it decides whether
/// the word after `➜ ` is the directory (robbyrussell always prints one) or already the
/// command typed after a bare arrow.
pub fn strip_prompt<'a>(
    line: &'a str,
    starts_command: &dyn Fn(&str) -> bool,
) -> Option<Prompt<'a>> {
    // A clock glued to the prompt, as some PS1s print it: `16:46:25[root@host ~]# `.
    if let Ok((after, time)) = clock::hms(line) {
        let after_trim = after.trim_start();
        // A second clock makes it no prompt (only one clock is taken). Said here rather
        // than found by recursing: a long line of clocks overflowed the stack.
        if clock::hms(after_trim).is_ok() {
            return None;
        }
        if let Some(p) = strip_prompt(after_trim, starts_command) {
            if p.time.is_none() {
                return Some(Prompt {
                    time: Some(WallClock {
                        year: None,
                        month_day: None,
                        time,
                        utc_offset_s: None,
                    }),
                    ..p
                });
            }
        }
        return None;
    }
    if let Some(m) = STRONG.find(line) {
        let mut rest = &line[m.end()..];
        if m.as_str().contains('➜') && !starts_command(rest) {
            if let Some(d) = ZSH_DIR.find(rest) {
                rest = &rest[d.end()..];
            }
        }
        return Some(Prompt {
            rest,
            strength: Strength::Strong,
            time: None,
            host: prompt_host(m.as_str()),
        });
    }
    WEAK.find(line).map(|m| Prompt {
        rest: &line[m.end()..],
        strength: Strength::Weak,
        time: None,
        host: prompt_host(m.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_name_their_host() {
        let host = |line: &'static str| strip_prompt(line, &|_: &str| true).and_then(|p| p.host);
        assert_eq!(host("[root@rhel1 ~]# shutdown -h now"), Some("rhel1"));
        assert_eq!(host("pi@node03:~ $ sudo shutdown -h now"), Some("node03"));
        assert_eq!(
            host("(venv) me@w-1.lab:~$ kubectl get pods"),
            Some("w-1.lab")
        );
        assert_eq!(
            host("controlplane $ kubectl get nodes"),
            Some("controlplane")
        );
        assert_eq!(host("virsh # destroy w1"), Some("virsh"));
        assert_eq!(
            host("bdontu-m02:redis bdontu$ kubectl get pods"),
            Some("bdontu-m02")
        );
        assert_eq!(host("bash> kubectl get po -o wide"), None);
        assert!(strip_prompt("bash> kubectl get po", &|_: &str| true).is_some());
        assert!(strip_prompt("$> sudo ifconfig eth0 down", &|_: &str| true).is_some());
        assert!(strip_prompt("bash-5.1$ kubectl get nodes", &|_: &str| true).is_some());
        assert_eq!(host("$ kubectl get pods"), None);
        assert_eq!(host("❯ kubectl get po"), None);
    }

    fn strip(line: &str) -> Option<(String, Strength)> {
        strip_prompt(line, &|s: &str| s.starts_with("kubectl"))
            .map(|p| (p.rest.to_string(), p.strength))
    }

    #[test]
    fn strong_prompts_of_every_shape() {
        for line in [
            "[root@host ~]# kubectl get pods",
            "[root@k8s-master01 ~]$ kubectl get pods",
            "user@host:~/dir$ kubectl get pods",
            "(venv) user@host:~$ kubectl get pods",
            "root@master01:/home/x# kubectl get pods",
            "me@mac ~ % kubectl get pods",
            "controlplane:~$ kubectl get pods",
            r"PS C:\Users\me> kubectl get pods",
            "➜  ~ kubectl get pods",
            "➜  watchtrail git:(main) ✗ kubectl get pods",
            "➜ kubectl get pods",
            "❯ kubectl get pods",
            "λ kubectl get pods",
        ] {
            assert_eq!(
                strip(line),
                Some(("kubectl get pods".to_string(), Strength::Strong)),
                "{line}"
            );
        }
    }

    #[test]
    fn weak_prompts() {
        for line in [
            "$ kubectl get pods",
            "# kubectl get pods",
            "% kubectl get pods",
            "> kubectl get pods",
        ] {
            assert_eq!(
                strip(line),
                Some(("kubectl get pods".to_string(), Strength::Weak)),
                "{line}"
            );
        }
        assert_eq!(strip("$"), Some((String::new(), Strength::Weak)));
        assert_eq!(
            strip("controlplane $ kubectl get pods"),
            Some(("kubectl get pods".to_string(), Strength::Weak))
        );
    }

    #[test]
    fn clock_glued_to_a_prompt() {
        let p = strip_prompt("16:46:25[root@host ~]# kubectl get pods", &|_: &str| false).unwrap();
        assert_eq!(p.rest, "kubectl get pods");
        assert_eq!(p.time.unwrap().time.to_string(), "16:46:25");
        assert_eq!(p.time.unwrap().month_day, None);
    }

    /// Found probing capture with long lines while fuzzing it: each clock of a line of
    /// clocks recursed once, and 270 kB of `12:02:03 ` overflowed the stack.
    #[test]
    fn clocks_in_a_row_are_no_prompt() {
        assert_eq!(strip("16:46:25 16:46:25 $ kubectl get pods"), None);
        assert_eq!(strip(&"12:02:03 ".repeat(100_000)), None);
    }

    #[test]
    fn not_prompts() {
        for line in [
            "web-0   1/1   Running   0   5m",
            "NAME   READY   STATUS",
            "#comment",
            "$5 is the price",
            "12:00:00 nothing",
            "a > b",
            "echo > /proc/sysrq-trigger",
            "<none>",
        ] {
            assert_eq!(strip(line), None, "{line}");
        }
    }
}
