package vrs

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"iter"
	"strconv"
	"time"
)

// AuditEntry is one line of the append-only audit log. Each entry's Hash is
// the SHA-256 of the previous entry's hash and this entry's canonical
// encoding, so that editing, deleting or reordering entries breaks the chain.
// Detail never holds personal data: names of fields, not their values.
type AuditEntry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Country    string    `json:"country"`
	Detail     string    `json:"detail"`
	ClientIP   string    `json:"client_ip"`
	Via        string    `json:"via"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Audit actions. Dotted names group by object.
const (
	ActSignIn         = "signin.ok"
	ActSignInFail     = "signin.fail"
	ActSignInThrottle = "signin.throttled"
	ActSecondFactor   = "signin.second_factor"
	ActSecondFail     = "signin.second_factor_fail"
	ActSignOut        = "signout"
	ActAgencyCreate   = "agency.create"
	ActAgencyUpdate   = "agency.update"
	ActUnitCreate     = "unit.create"
	ActUserCreate     = "user.create"
	ActUserUpdate     = "user.update"
	ActUserPassword   = "user.password"
	ActUserTOTP       = "user.second_factor"
	ActRecoveryUsed   = "user.recovery_code_used"
	ActTokenCreate    = "token.create"
	ActTokenRevoke    = "token.revoke"
	ActCountryMember  = "country.member"
	ActSetting        = "setting.update"
	ActBackup         = "installation.backup"
	ActRestore        = "installation.restore"
	ActAuditView      = "audit.view"
	ActKeysRotate     = "keys.rotate"
)

// Validation rule actions (package rules).
const ActRuleCreate, ActRuleUpdate, ActRuleDelete = "rule.create", "rule.update", "rule.delete"

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the entry's chain hash given its PrevHash. Time is
// truncated to microseconds, the precision both stores keep.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	field := func(s string) {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		h.Write(buf[:n])
		h.Write([]byte(s))
	}
	field("vrs-audit-v1")
	field(e.PrevHash)
	field(e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.ActorName)
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	field(e.Country)
	field(e.Detail)
	field(e.ClientIP)
	field(e.Via)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditProblem names the first entry at which the chain breaks.
type AuditProblem struct {
	Seq int64 `json:"seq"`
	// Kind is "edited", "deleted" or "reordered".
	Kind string `json:"kind"`
}

// AuditVerification is the result of walking the whole chain.
type AuditVerification struct {
	Entries int64         `json:"entries"`
	Head    string        `json:"head"`
	Problem *AuditProblem `json:"problem,omitempty"`
}

// VerifyAuditChain walks entries in ascending Seq order and reports the first
// break: a gap in sequence numbers (deleted), an entry whose hash does not
// match its content (edited), or an intact entry that does not follow its
// predecessor (reordered, or one before it deleted and the rest renumbered).
func VerifyAuditChain(entries iter.Seq2[*AuditEntry, error]) (*AuditVerification, error) {
	v := &AuditVerification{Head: GenesisHash}
	var lastSeq int64
	for e, err := range entries {
		if err != nil {
			return nil, err
		}
		switch {
		case e.Seq != lastSeq+1:
			v.Problem = &AuditProblem{Seq: lastSeq + 1, Kind: "deleted"}
		case e.ComputeHash() != e.Hash:
			v.Problem = &AuditProblem{Seq: e.Seq, Kind: "edited"}
		case e.PrevHash != v.Head:
			v.Problem = &AuditProblem{Seq: e.Seq, Kind: "reordered"}
		}
		if v.Problem != nil {
			return v, nil
		}
		v.Entries++
		v.Head = e.Hash
		lastSeq = e.Seq
	}
	return v, nil
}

// AuditFilter narrows ListAudit. Zero values match everything.
type AuditFilter struct {
	Action     string
	ActorName  string
	ObjectType string
	ObjectID   string
	Country    string
	Since      time.Time
	Until      time.Time
	// BeforeSeq pages backwards: entries with Seq < BeforeSeq (0: newest).
	BeforeSeq int64
	Limit     int
}

// AuditService appends to and reads the audit log.
type AuditService interface {
	// AppendAudit records an event that is not itself a store write (a
	// sign-in, a failed sign-in, a read of personal data). Actor and client
	// come from ctx when the entry leaves them empty.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit returns entries newest first; administrators see all,
	// focal points their own country's.
	ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
	VerifyAudit(ctx context.Context) (*AuditVerification, error)
}
