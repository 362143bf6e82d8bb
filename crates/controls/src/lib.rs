//! Controls: firewall, DNS, IDS, application-control and Sigma outputs
//! generated from the catalog and the policy. (Being built: issue 7.)
