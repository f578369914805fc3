//! Metric formulas: `misused / budget`, evaluated exactly over a programme's decimal facts.
//!
//! Grammar (SPEC §3): `+ - * / ( )`, unary minus, decimal literals (`0.5`, `100`) and fact
//! names `[a-z_][a-z0-9_]*`. Evaluation uses checked `Decimal` arithmetic: a division by zero
//! or an overflow is a reason for the criterion to be missing, never a panic.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

/// Longest formula accepted, in bytes. Formulas are short expressions over a few facts; the
/// limit keeps evaluation (which recurses over the expression) far from the stack's end.
pub const MAX_LENGTH: usize = 1000;
/// Deepest nesting of parentheses and unary signs accepted.
pub const MAX_DEPTH: usize = 64;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    source: String,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(Decimal),
    Fact(String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>, Range<usize>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// Why a formula does not parse: the byte offsets in the formula and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Range<usize>,
    pub message: String,
}

/// Why a formula has no value for a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// Facts the formula names but the programme does not give, in name order.
    MissingFacts(Vec<String>),
    /// The divisor, as written in the formula, is zero.
    DivisionByZero(String),
    /// A result beyond the range of a decimal.
    Overflow,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::MissingFacts(names) => {
                let list = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if names.len() == 1 {
                    write!(f, "fact {list} is not given")
                } else {
                    write!(f, "facts {list} are not given")
                }
            }
            EvalError::DivisionByZero(divisor) => {
                write!(f, "division by zero: `{divisor}` is 0")
            }
            EvalError::Overflow => f.write_str("the result is too large for a decimal"),
        }
    }
}

impl Formula {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Formula, ParseError> {
        if source.len() > MAX_LENGTH {
            return Err(ParseError {
                span: 0..0,
                message: format!(
                    "the formula is {} bytes long; polscore accepts at most {MAX_LENGTH}",
                    source.len()
                ),
            });
        }
        let tokens = lex(source)?;
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            len: source.len(),
            source,
            depth: 0,
        };
        if tokens.is_empty() {
            return Err(ParseError {
                span: 0..source.len(),
                message: "the formula is empty".to_string(),
            });
        }
        let expr = p.expr()?;
        if let Some(t) = tokens.get(p.pos) {
            return Err(ParseError {
                span: t.span.clone(),
                message: format!(
                    "unexpected `{}` after a complete expression",
                    t.text(source)
                ),
            });
        }
        Ok(Formula {
            source: source.to_string(),
            expr,
        })
    }

    /// The formula as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The formula fully parenthesised, with normalised numbers: equal for formulas that
    /// differ only in spacing or redundant parentheses (used by the rubric digest).
    pub fn canonical(&self) -> String {
        fn render(e: &Expr) -> String {
            match e {
                Expr::Number(d) => d.normalize().to_string(),
                Expr::Fact(n) => n.clone(),
                Expr::Neg(i) => format!("(-{})", render(i)),
                Expr::Binary(op, l, r, _) => {
                    let sym = match op {
                        Op::Add => '+',
                        Op::Sub => '-',
                        Op::Mul => '*',
                        Op::Div => '/',
                    };
                    format!("({} {sym} {})", render(l), render(r))
                }
            }
        }
        render(&self.expr)
    }

    /// The fact names the formula uses, sorted.
    pub fn facts(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        collect(&self.expr, &mut out);
        out
    }

    /// Evaluates the formula; `fact` gives a fact's value by name.
    pub fn eval(&self, fact: impl Fn(&str) -> Option<Decimal>) -> Result<Decimal, EvalError> {
        let missing: Vec<String> = self
            .facts()
            .into_iter()
            .filter(|n| fact(n).is_none())
            .map(str::to_string)
            .collect();
        if !missing.is_empty() {
            return Err(EvalError::MissingFacts(missing));
        }
        // Exactly as a fraction, dividing once at the end, so that `a / b * 300` with a = 2,
        // b = 6 is 100 and not 99.999…: a value that lands on a threshold must reach it.
        // Should the fraction outgrow a decimal, evaluate step by step instead.
        match self.eval_fraction(&self.expr, &fact) {
            Ok((p, q)) => p.checked_div(q).ok_or(EvalError::Overflow),
            Err(EvalError::Overflow) => self.eval_expr(&self.expr, &fact),
            Err(e) => Err(e),
        }
    }

    /// The value as numerator and denominator (never zero).
    fn eval_fraction(
        &self,
        e: &Expr,
        fact: &impl Fn(&str) -> Option<Decimal>,
    ) -> Result<(Decimal, Decimal), EvalError> {
        let mul = |a: Decimal, b: Decimal| a.checked_mul(b).ok_or(EvalError::Overflow);
        Ok(match e {
            Expr::Number(d) => (*d, Decimal::ONE),
            Expr::Fact(name) => (
                fact(name).ok_or_else(|| EvalError::MissingFacts(vec![name.clone()]))?,
                Decimal::ONE,
            ),
            Expr::Neg(inner) => {
                let (p, q) = self.eval_fraction(inner, fact)?;
                (-p, q)
            }
            Expr::Binary(op, l, r, rhs_span) => {
                let (a, b) = self.eval_fraction(l, fact)?;
                let (c, d) = self.eval_fraction(r, fact)?;
                match op {
                    Op::Add | Op::Sub => {
                        let right = if *op == Op::Add {
                            mul(c, b)?
                        } else {
                            -mul(c, b)?
                        };
                        let p = mul(a, d)?.checked_add(right).ok_or(EvalError::Overflow)?;
                        (p, mul(b, d)?)
                    }
                    Op::Mul => (mul(a, c)?, mul(b, d)?),
                    Op::Div => {
                        if c.is_zero() {
                            return Err(EvalError::DivisionByZero(
                                self.source[rhs_span.clone()].trim().to_string(),
                            ));
                        }
                        (mul(a, d)?, mul(b, c)?)
                    }
                }
            }
        })
    }

    fn eval_expr(
        &self,
        e: &Expr,
        fact: &impl Fn(&str) -> Option<Decimal>,
    ) -> Result<Decimal, EvalError> {
        Ok(match e {
            Expr::Number(d) => *d,
            Expr::Fact(name) => {
                fact(name).ok_or_else(|| EvalError::MissingFacts(vec![name.clone()]))?
            }
            Expr::Neg(inner) => -self.eval_expr(inner, fact)?,
            Expr::Binary(op, l, r, rhs_span) => {
                let a = self.eval_expr(l, fact)?;
                let b = self.eval_expr(r, fact)?;
                match op {
                    Op::Add => a.checked_add(b).ok_or(EvalError::Overflow)?,
                    Op::Sub => a.checked_sub(b).ok_or(EvalError::Overflow)?,
                    Op::Mul => a.checked_mul(b).ok_or(EvalError::Overflow)?,
                    Op::Div => {
                        if b.is_zero() {
                            return Err(EvalError::DivisionByZero(
                                self.source[rhs_span.clone()].trim().to_string(),
                            ));
                        }
                        a.checked_div(b).ok_or(EvalError::Overflow)?
                    }
                }
            }
        })
    }
}

fn collect<'a>(e: &'a Expr, out: &mut BTreeSet<&'a str>) {
    match e {
        Expr::Number(_) => {}
        Expr::Fact(n) => {
            out.insert(n);
        }
        Expr::Neg(i) => collect(i, out),
        Expr::Binary(_, l, r, _) => {
            collect(l, out);
            collect(r, out);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Ident(String),
    Sym(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

impl Token {
    fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.span.clone()]
    }
}

fn lex(s: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let text = &s[i..end];
            let n = text.parse::<Decimal>().map_err(|_| ParseError {
                span: i..end,
                message: format!("`{text}` is not a decimal number"),
            })?;
            if text.starts_with('.') || text.ends_with('.') {
                return Err(ParseError {
                    span: i..end,
                    message: format!(
                        "`{text}` is not a decimal number: write digits on both sides of the point"
                    ),
                });
            }
            out.push(Token {
                tok: Tok::Num(n),
                span: i..end,
            });
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let name = &s[i..end];
            if !is_fact_name(name) {
                return Err(ParseError {
                    span: i..end,
                    message: format!(
                        "`{name}` is not a valid fact name: use lower-case ASCII letters, digits and `_`, starting with a letter or `_`"
                    ),
                });
            }
            out.push(Token {
                tok: Tok::Ident(name.to_string()),
                span: i..end,
            });
        } else if "+-*/()".contains(c) {
            chars.next();
            out.push(Token {
                tok: Tok::Sym(c),
                span: i..i + 1,
            });
        } else {
            return Err(ParseError {
                span: i..i + c.len_utf8(),
                message: format!(
                    "unexpected character `{c}`: formulas use + - * / ( ), numbers and fact names"
                ),
            });
        }
    }
    Ok(out)
}

/// Whether `name` is `[a-z_][a-z0-9_]*`.
pub fn is_fact_name(name: &str) -> bool {
    let mut cs = name.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && cs.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    len: usize,
    source: &'a str,
    /// Current nesting of parentheses and unary signs.
    depth: usize,
}

impl Parser<'_> {
    fn peek_sym(&self) -> Option<char> {
        match self.tokens.get(self.pos) {
            Some(Token {
                tok: Tok::Sym(c), ..
            }) => Some(*c),
            _ => None,
        }
    }

    fn start(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.len, |t| t.span.start)
    }

    fn end_of_previous(&self) -> usize {
        self.tokens[self.pos - 1].span.end
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.term()?;
        while let Some(c @ ('+' | '-')) = self.peek_sym() {
            self.pos += 1;
            let rhs_start = self.start();
            let right = self.term()?;
            let op = if c == '+' { Op::Add } else { Op::Sub };
            left = Expr::Binary(
                op,
                Box::new(left),
                Box::new(right),
                rhs_start..self.end_of_previous(),
            );
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while let Some(c @ ('*' | '/')) = self.peek_sym() {
            self.pos += 1;
            let rhs_start = self.start();
            let right = self.unary()?;
            let op = if c == '*' { Op::Mul } else { Op::Div };
            left = Expr::Binary(
                op,
                Box::new(left),
                Box::new(right),
                rhs_start..self.end_of_previous(),
            );
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.start();
            return Err(ParseError {
                span: at..at + 1,
                message: format!("the formula nests more than {MAX_DEPTH} levels deep"),
            });
        }
        let result = match self.peek_sym() {
            Some('-') => {
                self.pos += 1;
                self.unary().map(|e| Expr::Neg(Box::new(e)))
            }
            Some('+') => {
                self.pos += 1;
                self.unary()
            }
            _ => self.atom(),
        };
        self.depth -= 1;
        result
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.tokens.get(self.pos) else {
            return Err(ParseError {
                span: self.len..self.len,
                message: "the formula ends where a number, fact name or `(` was expected"
                    .to_string(),
            });
        };
        self.pos += 1;
        match &t.tok {
            Tok::Num(d) => Ok(Expr::Number(*d)),
            Tok::Ident(n) => Ok(Expr::Fact(n.clone())),
            Tok::Sym('(') => {
                let inner = self.expr()?;
                if self.peek_sym() == Some(')') {
                    self.pos += 1;
                    Ok(inner)
                } else {
                    Err(ParseError {
                        span: t.span.clone(),
                        message: "this `(` is never closed".to_string(),
                    })
                }
            }
            Tok::Sym(c) => Err(ParseError {
                span: t.span.clone(),
                message: format!(
                    "unexpected `{c}` where a number, fact name or `(` was expected in `{}`",
                    self.source
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn eval(f: &str, facts: &[(&str, &str)]) -> Result<Decimal, EvalError> {
        let m: BTreeMap<&str, Decimal> = facts.iter().map(|(k, v)| (*k, d(v))).collect();
        Formula::parse(f).unwrap().eval(|n| m.get(n).copied())
    }

    #[test]
    fn precedence_and_parentheses() {
        assert_eq!(eval("1 + 2 * 3", &[]).unwrap(), d("7"));
        assert_eq!(eval("(1 + 2) * 3", &[]).unwrap(), d("9"));
        assert_eq!(eval("10 - 4 - 3", &[]).unwrap(), d("3"));
        assert_eq!(eval("8 / 4 / 2", &[]).unwrap(), d("1"));
        assert_eq!(eval("-2 * -3", &[]).unwrap(), d("6"));
        assert_eq!(eval("0.1 + 0.2", &[]).unwrap(), d("0.3"));
    }

    #[test]
    fn facts_are_exact() {
        let v = eval(
            "misused / budget",
            &[("misused", "6000000000"), ("budget", "100000000000")],
        );
        assert_eq!(v.unwrap(), d("0.06"));
    }

    #[test]
    fn values_on_a_threshold_stay_on_it() {
        // Found by review: dividing first gave 99.99999999999999999999999999.
        assert_eq!(
            eval("a / b * 300", &[("a", "2"), ("b", "6")]).unwrap(),
            d("100")
        );
        assert_eq!(
            eval("a / b * b", &[("a", "1"), ("b", "3")]).unwrap(),
            d("1")
        );
        assert_eq!(eval("1 / 3 + 1 / 3 + 1 / 3", &[]).unwrap(), d("1"));
        assert_eq!(
            eval("(a - b) / c", &[("a", "1"), ("b", "0.4"), ("c", "2")]).unwrap(),
            d("0.3")
        );
        // Too large for a fraction, still fine step by step.
        let big = "79228162514264337593543950335";
        assert_eq!(
            eval("a / 3 * 3 / a", &[("a", big)]).unwrap().round_dp(10),
            d("1")
        );
    }

    #[test]
    fn missing_facts_and_division_by_zero_are_reasons() {
        assert_eq!(
            eval("a / b + c", &[("a", "1")]),
            Err(EvalError::MissingFacts(vec!["b".into(), "c".into()]))
        );
        let e = eval("a / (b - c)", &[("a", "1"), ("b", "2"), ("c", "2")]).unwrap_err();
        assert_eq!(e.to_string(), "division by zero: `(b - c)` is 0");
        assert_eq!(
            eval("79228162514264337593543950335 * 2", &[]),
            Err(EvalError::Overflow)
        );
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        let e = Formula::parse("a / / b").unwrap_err();
        assert_eq!(e.span, 4..5);
        let e = Formula::parse("Budget / 2").unwrap_err();
        assert_eq!(e.span, 0..6);
        assert!(Formula::parse("(a + b").is_err());
        assert!(Formula::parse("a b").is_err());
        assert!(Formula::parse("").is_err());
        assert!(Formula::parse("a ^ 2").is_err());
        assert!(Formula::parse("1.").is_err());
        assert!(Formula::parse("1.2.3").is_err());
        assert!(Formula::parse("a +").is_err());
    }

    #[test]
    fn canonical_form_ignores_spacing_and_redundant_parentheses() {
        let a = Formula::parse("(a-b)/c + 0.50").unwrap();
        let b = Formula::parse(" ( ( a - b ) / c ) + 0.5 ").unwrap();
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.canonical(), "(((a - b) / c) + 0.5)");
    }

    #[test]
    fn limits_length_and_depth() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(
            Formula::parse(&deep)
                .unwrap_err()
                .message
                .contains("nests more than")
        );
        let long = vec!["a"; 600].join("+");
        assert!(
            Formula::parse(&long)
                .unwrap_err()
                .message
                .contains("at most")
        );
        let signs = format!("{}1", "-".repeat(100));
        assert!(Formula::parse(&signs).is_err());
        let fine = format!("{}a{}", "(".repeat(30), ")".repeat(30));
        assert!(Formula::parse(&fine).is_ok());
    }

    #[test]
    fn lists_fact_names() {
        let f = Formula::parse("(prevention - misused) / budget").unwrap();
        assert_eq!(
            f.facts().into_iter().collect::<Vec<_>>(),
            ["budget", "misused", "prevention"]
        );
    }
}
