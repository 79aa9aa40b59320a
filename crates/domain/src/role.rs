//! Roles of users. Each user holds one role and is bound to one org unit; what a role may do is
//! decided here, once, and asked everywhere else.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 县级业务员
    CountyClerk,
    /// 乡镇业务员
    TownshipClerk,
    /// 村级联络员
    VillageContact,
    /// 部队联络员
    TroopLiaison,
    /// 领导 (read-only dashboards)
    Leader,
    /// 审计员 (read-only plus the audit log)
    Auditor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::CountyClerk,
        Role::TownshipClerk,
        Role::VillageContact,
        Role::TroopLiaison,
        Role::Leader,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CountyClerk => "county_clerk",
            Role::TownshipClerk => "township_clerk",
            Role::VillageContact => "village_contact",
            Role::TroopLiaison => "troop_liaison",
            Role::Leader => "leader",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::CountyClerk => "县级业务员",
            Role::TownshipClerk => "乡镇业务员",
            Role::VillageContact => "村级联络员",
            Role::TroopLiaison => "部队联络员",
            Role::Leader => "领导",
            Role::Auditor => "审计员",
        }
    }

    /// Adds users, resets passwords, disables accounts, edits the org tree.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Reads the audit log.
    pub fn may_read_audit(self) -> bool {
        matches!(self, Role::Admin | Role::Auditor)
    }

    /// Changes business records at all (within scope). Leaders and auditors only read.
    pub fn may_write(self) -> bool {
        !matches!(self, Role::Leader | Role::Auditor)
    }

    /// Reads the registry of people (within scope). Troop liaison officers work on the troops' side.
    pub fn may_read_people(self) -> bool {
        self != Role::TroopLiaison
    }

    /// Registers and edits people (within scope).
    pub fn may_edit_people(self) -> bool {
        matches!(self, Role::Admin | Role::CountyClerk | Role::TownshipClerk | Role::VillageContact)
    }

    /// Decides on flagged near-duplicates and runs yearly life checks.
    pub fn is_manager(self) -> bool {
        matches!(self, Role::Admin | Role::CountyClerk | Role::TownshipClerk)
    }

    /// Sees the full value of ID numbers, phones and bank accounts (each reveal audited).
    pub fn may_reveal(self) -> bool {
        matches!(self, Role::Admin | Role::CountyClerk | Role::TownshipClerk)
    }

    /// Decides benefit applications, edits standards, runs, approves and exports payment cycles:
    /// the county's work.
    pub fn may_decide_benefits(self) -> bool {
        matches!(self, Role::Admin | Role::CountyClerk)
    }

    /// Writes the work system's records (meetings, plans, publicity, support) within scope.
    pub fn may_write_work(self) -> bool {
        matches!(self, Role::Admin | Role::CountyClerk | Role::TownshipClerk)
    }

    /// Writes the troops' records: their side of 互办实事 plans and their contributions.
    pub fn may_write_troop_side(self) -> bool {
        self.may_write_work() || self == Role::TroopLiaison
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn read_only_roles_do_not_write() {
        assert!(!Role::Leader.may_write());
        assert!(!Role::Auditor.may_write());
        assert!(Role::Auditor.may_read_audit());
        assert!(!Role::Leader.may_read_audit());
        assert!(!Role::CountyClerk.is_admin());
    }
}
