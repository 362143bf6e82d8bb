//! An analyst's actions on an incident, shared by the API and the
//! dashboard's forms: what each one accepts and what it writes.

use rmmguard::store::{Error, Store};

/// Longest assignee name taken.
pub(crate) const MAX_ASSIGNEE: usize = 200;
/// Longest closing note taken.
pub(crate) const MAX_NOTE: usize = 4000;

/// A checked action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Acknowledge,
    Assign(String),
    Close(String),
}

/// What an action was refused for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invalid {
    /// An assignee that is blank or over [`MAX_ASSIGNEE`] bytes.
    Assignee,
    /// A note that is blank or over [`MAX_NOTE`] bytes.
    Note,
}

impl Action {
    /// Assigning to `to`, if it names someone.
    pub fn assign(to: String) -> Result<Action, Invalid> {
        if to.trim().is_empty() || to.len() > MAX_ASSIGNEE {
            return Err(Invalid::Assignee);
        }
        Ok(Action::Assign(to))
    }

    /// Closing with `note`, if it says why.
    pub fn close(note: String) -> Result<Action, Invalid> {
        if note.trim().is_empty() || note.len() > MAX_NOTE {
            return Err(Invalid::Note);
        }
        Ok(Action::Close(note))
    }

    /// Applies the action to incident `number` as `who`, now; a closing
    /// note keeps who wrote it.
    pub fn apply(self, store: &mut Store, number: u64, who: &str) -> Result<(), Error> {
        let now = jiff::Timestamp::now();
        match self {
            Action::Acknowledge => store.acknowledge(number, who, now),
            Action::Assign(to) => store.assign(number, &to, now),
            Action::Close(note) => store.close(number, &format!("{note} ({who})"), now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_overlong_texts_are_refused() {
        assert_eq!(Action::assign(" ".into()), Err(Invalid::Assignee));
        assert_eq!(
            Action::assign("b".repeat(MAX_ASSIGNEE + 1)),
            Err(Invalid::Assignee)
        );
        assert_eq!(
            Action::assign("bob".into()),
            Ok(Action::Assign("bob".into()))
        );
        assert_eq!(Action::close("".into()), Err(Invalid::Note));
        assert_eq!(Action::close("n".repeat(MAX_NOTE + 1)), Err(Invalid::Note));
        assert_eq!(Action::close("lab".into()), Ok(Action::Close("lab".into())));
    }
}
