//! Just enough shell syntax to read a typed command line: words with quotes, `#`
//! comments, pipes, command lists (`;`, `&&`, `||`, `&`) and redirections.
//!
//! Owns: [`parse_line`]. Does not own: what the words mean (see `command`). Never fails:
//! an unclosed quote runs to the end of the line, like a shell waiting for more input.

use std::iter::Peekable;
use std::str::CharIndices;

/// A command line split into its parts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Commands separated by `;`, `&&`, `||` or `&`; each is a pipeline of stages, each
    /// stage a list of words (quotes removed, redirections dropped).
    pub commands: Vec<Vec<Vec<String>>>,
    /// A trailing `# comment`, without the `#`, trimmed.
    pub comment: Option<String>,
    /// Byte offset where the comment's `#` starts in the input (to cut it from the text).
    pub comment_at: Option<usize>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Pipe,
    Sep,
    /// A redirection operator; `takes_target` when a file word follows (`> f`), false for
    /// a complete one (`2>&1`).
    Redirect {
        takes_target: bool,
    },
}

/// Splits a command line into commands, pipeline stages and words.
pub fn parse_line(text: &str) -> Line {
    let (tokens, comment_at) = tokenize(text);
    let mut line = Line {
        comment_at,
        comment: comment_at.map(|at| text[at + 1..].trim().to_string()),
        ..Line::default()
    };
    let mut command: Vec<Vec<String>> = vec![Vec::new()];
    let mut skip_target = false;
    for tok in tokens {
        match tok {
            Token::Word(_) if skip_target => skip_target = false,
            Token::Word(w) => command.last_mut().expect("a stage is always open").push(w),
            Token::Pipe => command.push(Vec::new()),
            Token::Sep => {
                line.commands
                    .push(std::mem::replace(&mut command, vec![Vec::new()]));
            }
            Token::Redirect { takes_target } => skip_target = takes_target,
        }
    }
    line.commands.push(command);
    for c in &mut line.commands {
        c.retain(|stage| !stage.is_empty());
    }
    line.commands.retain(|c| !c.is_empty());
    line
}

/// Reads tokens; returns them and the byte offset of a `#` comment.
fn tokenize(text: &str) -> (Vec<Token>, Option<usize>) {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.char_indices().peekable();
    let flush = |word: &mut String, in_word: &mut bool, tokens: &mut Vec<Token>| {
        if *in_word {
            tokens.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => flush(&mut word, &mut in_word, &mut tokens),
            // `#` starts a comment only at the start of a word (`a#b` is one word).
            '#' if !in_word => return (tokens, Some(at)),
            '\'' | '"' => {
                in_word = true;
                for (_, q) in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                in_word = true;
                if let Some((_, n)) = chars.next() {
                    word.push(n);
                }
            }
            '|' | ';' | '&' => {
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(separator(c, &mut chars));
            }
            '>' | '<' => {
                // A word made only of digits right before is the file descriptor: `2>`.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                flush(&mut word, &mut in_word, &mut tokens);
                tokens.push(redirect(c, &mut chars));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut word, &mut in_word, &mut tokens);
    (tokens, None)
}

/// The token `c` (`|`, `;` or `&`) starts, the rest of it taken from `chars`: `&>` and
/// `&>>` redirect both streams, `||`, `&&` and `;;` separate like `;`.
fn separator(c: char, chars: &mut Peekable<CharIndices>) -> Token {
    if c == '&' && chars.peek().map(|p| p.1) == Some('>') {
        chars.next();
        if chars.peek().map(|p| p.1) == Some('>') {
            chars.next();
        }
        return Token::Redirect { takes_target: true };
    }
    let double = chars.peek().map(|p| p.1) == Some(c);
    if double {
        chars.next();
    }
    if c == '|' && !double {
        Token::Pipe
    } else {
        Token::Sep
    }
}

/// The redirect `c` (`>` or `<`) starts, the rest of it taken from `chars`: `>>`, and
/// `2>&1`, `>&2`, `>&-`, a duplication after which no file word follows.
fn redirect(c: char, chars: &mut Peekable<CharIndices>) -> Token {
    if chars.peek().map(|p| p.1) == Some(c) {
        chars.next();
    }
    let mut takes_target = true;
    if chars.peek().map(|p| p.1) == Some('&') {
        chars.next();
        while chars
            .peek()
            .is_some_and(|p| p.1.is_ascii_digit() || p.1 == '-')
        {
            chars.next();
        }
        takes_target = false;
    }
    Token::Redirect { takes_target }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_lists() {
        let l = parse_line("date; kubectl get pods -w | grep web && echo done");
        assert_eq!(l.commands.len(), 3);
        assert_eq!(l.commands[1].len(), 2);
        assert_eq!(l.commands[1][1], vec!["grep", "web"]);
    }

    #[test]
    fn redirections_are_dropped() {
        for text in [
            "kubectl get pods -w > pods.log 2>&1 &",
            "kubectl get pods -w >pods.log",
            "kubectl get pods -w >> pods.log 2> /dev/null",
            "kubectl get pods -w &> pods.log",
            "kubectl get pods -w 2>/dev/null",
        ] {
            let l = parse_line(text);
            assert_eq!(
                l.commands[0],
                vec![vec!["kubectl", "get", "pods", "-w"]],
                "{text}"
            );
        }
    }

    #[test]
    fn quotes_escapes_and_comments() {
        let l = parse_line(r#"kubectl get pods -l 'app in (a, b)' -o "wide" a\ b  # watch it"#);
        assert_eq!(
            l.commands[0][0],
            vec![
                "kubectl",
                "get",
                "pods",
                "-l",
                "app in (a, b)",
                "-o",
                "wide",
                "a b"
            ]
        );
        assert_eq!(l.comment.as_deref(), Some("watch it"));
        let l = parse_line("echo a#b 'unclosed");
        assert_eq!(l.commands[0][0], vec!["echo", "a#b", "unclosed"]);
        assert_eq!(l.comment, None);
    }
}
