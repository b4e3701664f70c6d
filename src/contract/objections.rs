//! What the objection register (异议登记) makes of the publicity stage's
//! outcome. The publicity decision is the bureau's record; the register
//! holds each objection received during publicity with its resolution. One
//! rule, read by ingest (which refuses a confirmation that does not follow
//! it) and by the status (which shows where the application stands):
//!
//! - an objection upheld (异议成立) stops the application, whatever the
//!   publicity decision says;
//! - an objection not yet resolved leaves publicity open (有异议), even when a
//!   passing outcome was recorded beside it;
//! - otherwise the recorded outcome stands; 有异议 recorded with every
//!   registered objection resolved as not upheld reads as 异议不成立.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::review_records::{OBJECTION_DISMISSED, OBJECTION_UPHELD};
use crate::error::Result;
use crate::frame;

/// One registered objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub received_on: Option<NaiveDate>,
    /// What it says (identity numbers masked when read).
    pub content: String,
    pub checked_by: Option<String>,
    /// 异议成立, 异议不成立, or None while it is being checked.
    pub resolution: Option<String>,
    pub resolved_on: Option<NaiveDate>,
}

impl Objection {
    pub fn upheld(&self) -> bool {
        self.resolution.as_deref() == Some(OBJECTION_UPHELD)
    }

    pub fn open(&self) -> bool {
        self.resolution.is_none()
    }

    /// `受理于 2022-02-01:「……」`, the content cut to 40 characters, for a
    /// reject's detail, the status and the report.
    pub fn describe(&self) -> String {
        let mut text: String = self.content.chars().take(40).collect();
        if self.content.chars().count() > 40 {
            text.push('…');
        }
        match self.received_on {
            Some(d) => format!("受理于 {d}:「{text}」"),
            None => format!("「{text}」"),
        }
    }
}

/// The register by application (community, year), in the order received.
pub type Register = HashMap<(String, i64), Vec<Objection>>;

/// The register from the `objections` table (None: no register).
pub fn register(df: Option<&DataFrame>) -> Result<Register> {
    let mut out = Register::new();
    let Some(df) = df else { return Ok(out) };
    let code = frame::strings(df, "community_code")?;
    let year = frame::ints(df, "year")?;
    let received = frame::dates(df, "received_on")?;
    let content = frame::strings(df, "content")?;
    let checked = frame::strings(df, "checked_by")?;
    let resolution = frame::strings(df, "resolution")?;
    let resolved = frame::dates(df, "resolved_on")?;
    for i in 0..df.height() {
        let (Some(c), Some(y)) = (code[i].clone(), year[i]) else {
            continue;
        };
        out.entry((c, y)).or_default().push(Objection {
            received_on: received[i],
            content: content[i].clone().unwrap_or_default(),
            checked_by: checked[i].clone(),
            resolution: resolution[i].clone(),
            resolved_on: resolved[i],
        });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (a.received_on, &a.content).cmp(&(b.received_on, &b.content)));
    }
    Ok(out)
}

/// The publicity outcome that counts, from the recorded one (None: not
/// recorded) and the application's registered objections, with the
/// objection that decided it when one did.
pub fn effective<'a>(
    recorded: Option<&str>,
    objections: &'a [Objection],
) -> (Option<String>, Option<&'a Objection>) {
    if let Some(o) = objections.iter().find(|o| o.upheld()) {
        return (Some(OBJECTION_UPHELD.to_string()), Some(o));
    }
    if let Some(o) = objections.iter().find(|o| o.open()) {
        return (recorded.map(|_| PENDING.to_string()), Some(o));
    }
    match recorded {
        Some(PENDING) if !objections.is_empty() => (Some(OBJECTION_DISMISSED.to_string()), None),
        other => (other.map(str::to_string), None),
    }
}

/// The publicity outcome of an objection registered and not yet resolved.
pub const PENDING: &str = "有异议";

#[cfg(test)]
mod tests {
    use super::*;

    fn objection(resolution: Option<&str>) -> Objection {
        Objection {
            received_on: NaiveDate::from_ymd_opt(2022, 2, 1),
            content: "反映该社区就业人数虚报".into(),
            checked_by: None,
            resolution: resolution.map(str::to_string),
            resolved_on: None,
        }
    }

    #[test]
    fn an_upheld_or_open_objection_outweighs_the_recorded_outcome() {
        let upheld = [
            objection(Some(OBJECTION_DISMISSED)),
            objection(Some(OBJECTION_UPHELD)),
        ];
        assert_eq!(
            effective(Some("异议不成立"), &upheld).0.as_deref(),
            Some("异议成立")
        );
        assert_eq!(effective(None, &upheld).0.as_deref(), Some("异议成立"));
        let open = [objection(None)];
        assert_eq!(
            effective(Some("无异议"), &open).0.as_deref(),
            Some("有异议")
        );
        // Nothing recorded for publicity yet: the register alone opens no stage.
        assert_eq!(effective(None, &open).0, None);
        let dismissed = [objection(Some(OBJECTION_DISMISSED))];
        assert_eq!(
            effective(Some("有异议"), &dismissed).0.as_deref(),
            Some("异议不成立")
        );
        assert_eq!(effective(Some("无异议"), &[]).0.as_deref(), Some("无异议"));
        assert_eq!(effective(Some("有异议"), &[]).0.as_deref(), Some("有异议"));
        assert!(effective(Some("无异议"), &open).1.is_some());
    }
}
