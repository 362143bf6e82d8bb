//! The RMM vendor's view: features and scores of abusive tenants. (Being built: issue 8.)
