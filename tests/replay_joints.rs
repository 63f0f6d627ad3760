//! The joints of replay protection, through real HTTP on 127.0.0.1, on every backend: the
//! in-memory, Redis and PostgreSQL replay stores, and the SQLite and PostgreSQL inboxes.
//!
//! - An answer decided from unsigned data (a copy relabelled with a handled id, an event
//!   type nobody handles) never marks done a key the provider's genuine retry carries.
//! - A provider's retry signed anew is a duplicate, and so is that retry under a fresh id.
//! - Rotating secrets (adding one first, removing the old one, Box regenerating one of its
//!   two keys) never reopens a replay of a delivery handled before.
//! - Store and inbox modes count a copy under a new id alike, and log it at `warn`.
//! - One scripted sequence of copies gets the same answers from every backend.
//!
//! Each scenario is written once over a [`Backend`] and run as one test per backend
//! (`memory_store::…`, `redis_store::…`, `postgres_store::…`, `sqlite_inbox::…`,
//! `postgres_inbox::…`), so a failure names its backend.

#[path = "it/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use axum::routing::{post, post_service};
use axum::Router;
use bytes::Bytes;
use common::{is_duplicate, with_header, Calls, Server};
use http::StatusCode;
use tower_webhook::dispatch::{Dispatch, UNHANDLED_HEADER};
use tower_webhook::layer::Counters;
use tower_webhook::replay::MemoryStore;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

/// The secret a source starts with, and the one rotated in.
const OLD: &str = "old webhook secret";
const NEW: &str = "new webhook secret";

/// Item: a copy answered duplicate because of an unsigned key (its id relabelled to a
/// handled delivery's) never marks done the signature of a delivery whose handler failed:
/// GitHub's and Shopify's retries repeat that very signature, and must be handled.
async fn a_relabelled_copy_never_spends_a_failed_deliverys_signature(backend: Backend) {
    assert!(!backend.is_inbox(), "a failed delivery stays in the inbox");
    let deployment = Deployment::start(backend, "relabelled").await;
    for preset in Unstamped::ALL {
        let receiver = deployment.serve(preset.verifier(&[OLD])).await;
        let before = deployment.handler.calls.count();
        let handled = preset.delivery(OLD, "handled-1", 1);
        assert_eq!(
            deployment.send(&receiver, &handled).await,
            Answer::Accepted,
            "{backend:?} {preset:?}: another delivery, handled"
        );
        deployment.handler.fail_next(1);
        let failed = preset.delivery(OLD, "failed-1", 2);
        let answer = deployment.send(&receiver, &failed).await;
        assert!(
            answer.is_status(500),
            "{backend:?} {preset:?}: the handler fails: {answer:?}"
        );
        // The id is not a key where retries repeat the signature: the failed content,
        // never handled, runs once whatever id it carries.
        let relabelled = with_header(&failed, preset.id_header(), "handled-1");
        assert_eq!(
            deployment.send(&receiver, &relabelled).await,
            Answer::Accepted,
            "{backend:?} {preset:?}: the failed delivery relabelled with the handled id"
        );
        assert_eq!(
            deployment.send(&receiver, &failed).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: once handled, it is done"
        );
        assert_eq!(deployment.handler.calls.count() - before, 3);
    }
}

/// Item: `Dispatch`'s unhandled answer (a 2xx) to a copy whose unsigned `X-GitHub-Event`
/// names no route never completes the delivery the genuine `push` is.
async fn an_unhandled_event_type_never_completes_the_genuine_delivery(backend: Backend) {
    unhandled_copy_of_a_failed_push(backend, |push| {
        with_header(push, "x-github-event", "nosuchevent")
    })
    .await;
}

/// Item: the same with the `X-GitHub-Event` header removed from the copy.
async fn a_copy_without_an_event_type_never_completes_the_genuine_delivery(backend: Backend) {
    unhandled_copy_of_a_failed_push(backend, |push| without_header(push, "x-github-event")).await;
}

async fn unhandled_copy_of_a_failed_push(
    backend: Backend,
    relabel: impl Fn(&http::Request<Bytes>) -> http::Request<Bytes>,
) {
    assert!(!backend.is_inbox(), "the inbox runs its own handler");
    let deployment = Deployment::start(backend, "unhandled").await;
    let push = Handler::default();
    push.fail_next(1);
    let dispatch = Dispatch::new().on("push", push.dispatch_route());
    let receiver = deployment
        .serve_router(
            Router::new().route("/hook", post_service(dispatch)),
            Unstamped::GitHub.verifier(&[OLD]),
        )
        .await;
    let delivery = Unstamped::GitHub.delivery(OLD, "push-1", 1);
    let answer = deployment.send(&receiver, &delivery).await;
    assert!(
        answer.is_status(500),
        "{backend:?}: the push handler fails: {answer:?}"
    );

    let reply = common::send(to(&receiver, &relabel(&delivery))).await;
    assert!(
        reply.status.is_success() && !is_duplicate(&reply),
        "{backend:?}: the copy is acknowledged as unhandled: {} {}",
        reply.status,
        reply.text()
    );
    assert!(
        reply.headers.contains_key(UNHANDLED_HEADER),
        "{backend:?}: {:?}",
        reply.headers
    );

    assert_eq!(
        deployment.send(&receiver, &delivery).await,
        Answer::Accepted,
        "{backend:?}: the genuine redelivery of the push must be handled: an unhandled copy \
         chosen by an unsigned event type must not have completed it"
    );
    assert_eq!(
        push.calls.count(),
        2,
        "{backend:?}: the push handler ran again"
    );
    assert_eq!(
        deployment.send(&receiver, &delivery).await,
        Answer::Duplicate,
        "{backend:?}: once handled, it is done"
    );
}

/// Item: for presets that sign a timestamp but not the id (Zendesk, Box, Linear), the
/// provider's retry (same id, new timestamp, new signature) is a duplicate, and so is that
/// retry replayed under a fresh id within the tolerance: its signature was learned. The
/// same answers on every store and inbox.
async fn a_retry_signed_anew_is_a_duplicate_under_any_id(backend: Backend) {
    let deployment = Deployment::start(backend, "retry").await;
    let at = now_in_whole_seconds();
    for (n, preset) in (1..).zip(Stamped::ALL) {
        let receiver = deployment.serve(preset.verifier(&[OLD], at)).await;
        let id = format!("{preset:?}-delivery");
        let delivery = preset.delivery(OLD, &id, at, n);
        assert_eq!(
            deployment.send(&receiver, &delivery).await,
            Answer::Accepted,
            "{backend:?} {preset:?}: the delivery"
        );
        let retry = preset.delivery(OLD, &id, at + Duration::from_secs(1), n);
        assert_ne!(
            retry.headers(),
            delivery.headers(),
            "{preset:?}: the retry is signed anew"
        );
        assert_eq!(
            deployment.send(&receiver, &retry).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: the provider's retry"
        );
        let replayed = with_header(&retry, preset.id_header(), &format!("{id}-replayed"));
        assert_eq!(
            deployment.send(&receiver, &replayed).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: the provider's retry replayed under a fresh id: its \
             signature must have been learned when it was answered duplicate"
        );
        let copy = with_header(&delivery, preset.id_header(), &format!("{id}-copy"));
        assert_eq!(
            deployment.send(&receiver, &copy).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: the delivery under a fresh id"
        );
        assert_eq!(
            deployment.handled().await,
            n as usize,
            "{backend:?} {preset:?}: handled once"
        );
    }
}

/// Item: replay keys do not depend on which configured secret verified a delivery. GitHub
/// and Shopify (no signed timestamp, unsigned id): handled with `[old]`, the delivery is a
/// duplicate under a fresh id once `new` is added first; one handled with `[new, old]`
/// still is once `old` is removed.
async fn a_rotation_never_reopens_a_replay(backend: Backend) {
    let deployment = Deployment::start(backend, "rotation").await;
    let mut handled = 0;
    for preset in Unstamped::ALL {
        let before = deployment.serve(preset.verifier(&[OLD])).await;
        let first = preset.delivery(OLD, "rotation-1", 1);
        assert_eq!(
            deployment.send(&before, &first).await,
            Answer::Accepted,
            "{backend:?} {preset:?}: signed with old, verified with [old]"
        );

        // First under a fresh id: a copy under its own id would be a duplicate by the id,
        // and may teach the store the signature's new key.
        let during = deployment.serve(preset.verifier(&[NEW, OLD])).await;
        let copy = with_header(&first, preset.id_header(), "rotation-1-copy");
        assert_eq!(
            deployment.send(&during, &copy).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: handled under [old], resent under a fresh id after the \
             rotation to [new, old]: the rotation must not change its replay key"
        );
        assert_eq!(
            deployment.send(&during, &first).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: resent unchanged after the rotation to [new, old]"
        );
        let second = preset.delivery(NEW, "rotation-2", 2);
        assert_eq!(
            deployment.send(&during, &second).await,
            Answer::Accepted,
            "{backend:?} {preset:?}: signed with new, verified with [new, old]"
        );

        let after = deployment.serve(preset.verifier(&[NEW])).await;
        let copy = with_header(&second, preset.id_header(), "rotation-2-copy");
        assert_eq!(
            deployment.send(&after, &copy).await,
            Answer::Duplicate,
            "{backend:?} {preset:?}: handled under [new, old], resent under a fresh id after \
             old was removed"
        );
        handled += 2;
        assert_eq!(
            deployment.handled().await,
            handled,
            "{backend:?} {preset:?}"
        );
    }
}

/// Item: Box signs with two keys at once, one signature header each. A delivery handled
/// with both is one delivery whichever key verifies a copy: resent with one header only
/// under a fresh id, it is a duplicate, also once the other key was regenerated.
async fn box_signatures_under_either_key_are_one_delivery(backend: Backend) {
    let deployment = Deployment::start(backend, "box").await;
    let at = now_in_whole_seconds();
    let (primary, secondary) = ("box primary key", "box secondary key");
    let (primary_regenerated, secondary_regenerated) = (
        "box primary key, regenerated",
        "box secondary key, regenerated",
    );
    let both = deployment
        .serve(Stamped::Box.verifier(&[primary, secondary], at))
        .await;
    let delivery = box_signed_by_both(primary, secondary, "box-1", at);
    assert_eq!(
        deployment.send(&both, &delivery).await,
        Answer::Accepted,
        "{backend:?}: signed by both keys"
    );
    let only = |header: &str, id: &str| {
        let other = match header {
            BOX_PRIMARY => BOX_SECONDARY,
            _ => BOX_PRIMARY,
        };
        without_header(&with_header(&delivery, "box-delivery-id", id), other)
    };
    assert_eq!(
        deployment
            .send(&both, &only(BOX_SECONDARY, "box-1-secondary"))
            .await,
        Answer::Duplicate,
        "{backend:?}: resent with only the secondary signature under a fresh id"
    );
    assert_eq!(
        deployment
            .send(&both, &only(BOX_PRIMARY, "box-1-primary"))
            .await,
        Answer::Duplicate,
        "{backend:?}: resent with only the primary signature under a fresh id"
    );

    let new_primary = deployment
        .serve(Stamped::Box.verifier(&[primary_regenerated, secondary], at))
        .await;
    assert_eq!(
        deployment
            .send(&new_primary, &only(BOX_SECONDARY, "box-1-after-primary"))
            .await,
        Answer::Duplicate,
        "{backend:?}: after the primary key was regenerated, resent with only the \
         secondary signature under a fresh id (verified by the second configured key)"
    );
    let new_secondary = deployment
        .serve(Stamped::Box.verifier(&[primary, secondary_regenerated], at))
        .await;
    assert_eq!(
        deployment
            .send(&new_secondary, &only(BOX_PRIMARY, "box-1-after-secondary"))
            .await,
        Answer::Duplicate,
        "{backend:?}: after the secondary key was regenerated, resent with only the \
         primary signature under a fresh id (verified by the first configured key)"
    );
    assert_eq!(deployment.handled().await, 1, "{backend:?}");
}

/// Item: identical signed content under a new id is counted in
/// `Counters::duplicates_under_new_id` and logged at `warn` in inbox mode as in store mode,
/// where the unsigned id is a key (Box: its own scheme, each attempt signed anew).
async fn a_copy_under_a_new_id_is_counted_and_logged_alike(backend: Backend) {
    let log = Log::capture();
    let deployment = Deployment::start(backend, "counted").await;
    let at = now_in_whole_seconds();
    let receiver = deployment.serve(Stamped::Box.verifier(&[OLD], at)).await;
    let delivery = Stamped::Box.delivery(OLD, "counted-1", at, 1);
    assert_eq!(
        deployment.send(&receiver, &delivery).await,
        Answer::Accepted,
        "{backend:?}"
    );
    let new_id = format!("counted-copy-{backend:?}");
    let copy = with_header(&delivery, Stamped::Box.id_header(), &new_id);
    assert_eq!(
        deployment.send(&receiver, &copy).await,
        Answer::Duplicate,
        "{backend:?}: the same content under a new id"
    );
    assert_eq!(
        receiver.counters.duplicates_under_new_id(),
        1,
        "{backend:?}: the copy under a new id is counted"
    );
    assert!(
        log.warned_about(&new_id),
        "{backend:?}: the copy under a new id is logged at warn, naming it; logged:\n{}",
        log.lines_about(&new_id)
    );
    // GitHub's own redelivery keeps its id: a duplicate, not counted.
    assert_eq!(
        deployment.send(&receiver, &delivery).await,
        Answer::Duplicate,
        "{backend:?}: the redelivery under its own id"
    );
    assert_eq!(
        receiver.counters.duplicates_under_new_id(),
        1,
        "{backend:?}"
    );
    assert_eq!(deployment.handled().await, 1, "{backend:?}");
}

/// The contract: one scripted sequence of copies (new, the same again, a provider retry, a
/// replay under a fresh id, a relabelled copy, rotations), every handler call succeeding,
/// gets the same answers from every backend (the inbox's `202` and a store's handler's
/// `200` are both "accepted").
async fn every_backend_answers_the_same_copies_alike(backend: Backend) {
    use Answer::{Accepted, Duplicate};
    let deployment = Deployment::start(backend, "contract").await;
    let at = now_in_whole_seconds();
    let relabel =
        |request: &http::Request<Bytes>, header: &str, id: &str| with_header(request, header, id);
    let mut steps: Vec<(&str, Answer, Answer)> = Vec::new();
    macro_rules! step {
        ($what:expr, $receiver:expr, $request:expr, $expected:expr) => {
            steps.push((
                $what,
                deployment.send(&$receiver, &$request).await,
                $expected,
            ))
        };
    }

    // No signed timestamp, an unsigned id: GitHub.
    let gh = "x-github-delivery";
    let github = deployment.serve(Unstamped::GitHub.verifier(&[OLD])).await;
    let a = Unstamped::GitHub.delivery(OLD, "gh-a", 100);
    let b = Unstamped::GitHub.delivery(OLD, "gh-b", 101);
    let c_under_a = Unstamped::GitHub.delivery(OLD, "gh-a", 102);
    step!("github: a, new", github, a, Accepted);
    step!("github: a again", github, a, Duplicate);
    step!(
        "github: a under a fresh id",
        github,
        relabel(&a, gh, "gh-1"),
        Duplicate
    );
    step!("github: b, new", github, b, Accepted);
    step!(
        "github: b relabelled as a",
        github,
        relabel(&b, gh, "gh-a"),
        Duplicate
    );
    step!(
        "github: b under a fresh id",
        github,
        relabel(&b, gh, "gh-2"),
        Duplicate
    );
    // The unsigned id is not a key: unseen content is new under any id, and runs once.
    step!(
        "github: unseen content c under a's id",
        github,
        c_under_a,
        Accepted
    );
    step!(
        "github: c under its own id",
        github,
        relabel(&c_under_a, gh, "gh-c"),
        Duplicate
    );
    let rotated = deployment
        .serve(Unstamped::GitHub.verifier(&[NEW, OLD]))
        .await;
    step!(
        "github [new, old]: a under a fresh id",
        rotated,
        relabel(&a, gh, "gh-3"),
        Duplicate
    );
    step!("github [new, old]: a again", rotated, a, Duplicate);
    let d = Unstamped::GitHub.delivery(NEW, "gh-d", 103);
    step!(
        "github [new, old]: d signed with new, new",
        rotated,
        d,
        Accepted
    );
    let retired = deployment.serve(Unstamped::GitHub.verifier(&[NEW])).await;
    step!(
        "github [new]: d under a fresh id",
        retired,
        relabel(&d, gh, "gh-4"),
        Duplicate
    );

    // A signed timestamp, an unsigned id: Zendesk.
    let zd = Stamped::Zendesk.id_header();
    let zendesk = deployment
        .serve(Stamped::Zendesk.verifier(&[OLD], at))
        .await;
    let z = Stamped::Zendesk.delivery(OLD, "zd-z", at, 200);
    let retry = Stamped::Zendesk.delivery(OLD, "zd-z", at + Duration::from_secs(1), 200);
    let y = Stamped::Zendesk.delivery(OLD, "zd-y", at, 201);
    let w_under_z = Stamped::Zendesk.delivery(OLD, "zd-z", at, 202);
    step!("zendesk: z, new", zendesk, z, Accepted);
    step!("zendesk: z again", zendesk, z, Duplicate);
    step!("zendesk: z's provider retry", zendesk, retry, Duplicate);
    step!(
        "zendesk: that retry under a fresh id",
        zendesk,
        relabel(&retry, zd, "zd-1"),
        Duplicate
    );
    step!(
        "zendesk: z under a fresh id",
        zendesk,
        relabel(&z, zd, "zd-2"),
        Duplicate
    );
    step!("zendesk: y, new", zendesk, y, Accepted);
    step!(
        "zendesk: y relabelled as z",
        zendesk,
        relabel(&y, zd, "zd-z"),
        Duplicate
    );
    step!(
        "zendesk: y under a fresh id",
        zendesk,
        relabel(&y, zd, "zd-3"),
        Duplicate
    );
    // Retries are signed anew over the same body: the id bound to the body is the key, so
    // unseen content under a handled id is new, and runs once.
    step!(
        "zendesk: unseen content w under z's id",
        zendesk,
        w_under_z,
        Accepted
    );
    step!(
        "zendesk: w under its own id",
        zendesk,
        relabel(&w_under_z, zd, "zd-w"),
        Duplicate
    );
    // Two invocations of one templated trigger: the same body under their own ids.
    let v = Stamped::Zendesk.delivery(OLD, "zd-v", at + Duration::from_secs(2), 200);
    step!(
        "zendesk: v, z's body under its own id",
        zendesk,
        v,
        Accepted
    );
    let rotated = deployment
        .serve(Stamped::Zendesk.verifier(&[NEW, OLD], at))
        .await;
    step!(
        "zendesk [new, old]: z under a fresh id",
        rotated,
        relabel(&z, zd, "zd-4"),
        Duplicate
    );

    let differences: Vec<String> = steps
        .iter()
        .filter(|(_, answer, expected)| answer != expected)
        .map(|(what, answer, expected)| format!("{what}: {answer:?}, expected {expected:?}"))
        .collect();
    assert!(
        differences.is_empty(),
        "{backend:?} answered otherwise:\n{}",
        differences.join("\n")
    );
    let accepted = steps.iter().filter(|step| step.2 == Accepted).count();
    assert_eq!(deployment.handled().await, accepted, "{backend:?}");
}

/// Each scenario, once per backend it applies to. Failures name the backend through the
/// test's path.
macro_rules! scenarios {
    ($module:ident, $backend:ident, [$($scenario:ident),* $(,)?]) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::Backend::$backend).await;
                }
            )*
        }
    };
}

/// The scenarios of a replay store: the inbox's, and those where a handler answers on the
/// request's path.
macro_rules! store_scenarios {
    ($module:ident, $backend:ident) => {
        scenarios!(
            $module,
            $backend,
            [
                a_relabelled_copy_never_spends_a_failed_deliverys_signature,
                an_unhandled_event_type_never_completes_the_genuine_delivery,
                a_copy_without_an_event_type_never_completes_the_genuine_delivery,
                a_retry_signed_anew_is_a_duplicate_under_any_id,
                a_rotation_never_reopens_a_replay,
                box_signatures_under_either_key_are_one_delivery,
                a_copy_under_a_new_id_is_counted_and_logged_alike,
                every_backend_answers_the_same_copies_alike,
            ]
        );
    };
}

/// The scenarios of an inbox.
#[cfg(inbox)]
macro_rules! inbox_scenarios {
    ($module:ident, $backend:ident) => {
        scenarios!(
            $module,
            $backend,
            [
                a_retry_signed_anew_is_a_duplicate_under_any_id,
                a_rotation_never_reopens_a_replay,
                box_signatures_under_either_key_are_one_delivery,
                a_copy_under_a_new_id_is_counted_and_logged_alike,
                every_backend_answers_the_same_copies_alike,
            ]
        );
    };
}

store_scenarios!(memory_store, MemoryStore);
#[cfg(feature = "redis")]
store_scenarios!(redis_store, RedisStore);
#[cfg(feature = "postgres")]
store_scenarios!(postgres_store, PostgresStore);
#[cfg(feature = "inbox-sqlite")]
inbox_scenarios!(sqlite_inbox, SqliteInbox);
#[cfg(feature = "inbox-postgres")]
inbox_scenarios!(postgres_inbox, PostgresInbox);

// ---------------------------------------------------------------------------------------
// Helpers.

/// Where deliveries are remembered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    MemoryStore,
    #[cfg(feature = "redis")]
    RedisStore,
    #[cfg(feature = "postgres")]
    PostgresStore,
    #[cfg(feature = "inbox-sqlite")]
    SqliteInbox,
    #[cfg(feature = "inbox-postgres")]
    PostgresInbox,
}

impl Backend {
    fn is_inbox(self) -> bool {
        match self {
            #[cfg(feature = "inbox-sqlite")]
            Backend::SqliteInbox => true,
            #[cfg(feature = "inbox-postgres")]
            Backend::PostgresInbox => true,
            _ => false,
        }
    }
}

/// A backend running for one test: its store or inbox (with workers running the
/// handler), shared by every layer the test makes, and what it runs on.
struct Deployment {
    backend: Backend,
    handler: Handler,
    remembers: Remembers,
    /// The servers and workers it runs on: stopped when the test ends.
    _running: Vec<Box<dyn std::any::Any + Send>>,
}

enum Remembers {
    Memory(Arc<MemoryStore>),
    #[cfg(feature = "redis")]
    Redis(tower_webhook::replay::RedisStore),
    #[cfg(feature = "postgres")]
    Postgres(tower_webhook::replay::PostgresStore),
    #[cfg(inbox)]
    Inbox(tower_webhook::inbox::Inbox),
}

impl Deployment {
    async fn start(backend: Backend, name: &str) -> Deployment {
        let _ = name;
        let handler = Handler::default();
        let (remembers, running): (Remembers, Vec<Box<dyn std::any::Any + Send>>) = match backend {
            Backend::MemoryStore => (Remembers::Memory(Arc::new(MemoryStore::new())), Vec::new()),
            #[cfg(feature = "redis")]
            Backend::RedisStore => {
                let redis = common::redis_server::RedisServer::start();
                let store = tower_webhook::replay::RedisStore::connect(&redis.url())
                    .await
                    .expect("Redis store");
                (Remembers::Redis(store), vec![Box::new(redis)])
            }
            #[cfg(feature = "postgres")]
            Backend::PostgresStore => {
                let url = common::postgres::shared().fresh_database(name);
                let store = tower_webhook::replay::PostgresStore::connect(&url)
                    .await
                    .expect("PostgreSQL store");
                (Remembers::Postgres(store), Vec::new())
            }
            #[cfg(feature = "inbox-sqlite")]
            Backend::SqliteInbox => {
                let dir = TempDir::new(name);
                let url = format!("sqlite://{}", dir.0.join("inbox.db").display());
                let (inbox, workers) = open_inbox(&url, &handler).await;
                // The workers stop before their directory is removed.
                (
                    Remembers::Inbox(inbox),
                    vec![Box::new(workers), Box::new(dir)],
                )
            }
            #[cfg(feature = "inbox-postgres")]
            Backend::PostgresInbox => {
                let url = common::postgres::shared().fresh_database(name);
                let (inbox, workers) = open_inbox(&url, &handler).await;
                (Remembers::Inbox(inbox), vec![Box::new(workers)])
            }
        };
        Deployment {
            backend,
            handler,
            remembers,
            _running: running,
        }
    }

    /// A layer verifying with `verifier`, over this deployment's store or inbox.
    fn layer(&self, verifier: Verifier) -> WebhookLayer {
        let layer = WebhookLayer::new(verifier);
        match &self.remembers {
            Remembers::Memory(store) => layer.replay_store(store.clone()),
            #[cfg(feature = "redis")]
            Remembers::Redis(store) => layer.replay_store(store.clone()),
            #[cfg(feature = "postgres")]
            Remembers::Postgres(store) => layer.replay_store(store.clone()),
            #[cfg(inbox)]
            Remembers::Inbox(inbox) => layer.inbox(inbox.clone()),
        }
    }

    /// A server of this deployment's handler at `/hook`, behind a layer verifying with
    /// `verifier`.
    async fn serve(&self, verifier: Verifier) -> Receiver {
        let layer = self.layer(verifier);
        let counters = layer.counters().clone();
        let server = Server::start(self.handler.router().route_layer(layer)).await;
        Receiver { server, counters }
    }

    /// A server of `router` behind a layer verifying with `verifier` (stores only: an
    /// inbox's workers run the deployment's handler).
    async fn serve_router(&self, router: Router, verifier: Verifier) -> Receiver {
        assert!(!self.backend.is_inbox(), "{:?}", self.backend);
        let layer = self.layer(verifier);
        let counters = layer.counters().clone();
        let server = Server::start(router.route_layer(layer)).await;
        Receiver { server, counters }
    }

    /// Sends `request` to `receiver`; what it was answered.
    async fn send(&self, receiver: &Receiver, request: &http::Request<Bytes>) -> Answer {
        let reply = common::send(to(receiver, request)).await;
        if is_duplicate(&reply) {
            Answer::Duplicate
        } else if reply.status.is_success() {
            Answer::Accepted
        } else {
            Answer::Status(reply.status.as_u16(), reply.text())
        }
    }

    /// How often the handler ran, once every delivery accepted has been handled (an
    /// inbox's workers run them after the answer).
    async fn handled(&self) -> usize {
        #[cfg(inbox)]
        if let Remembers::Inbox(inbox) = &self.remembers {
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            loop {
                let stats = inbox.stats().await.expect("inbox stats");
                if stats.pending + stats.running + stats.retrying == 0 {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "{:?}: deliveries still waiting: {stats:?}",
                    self.backend
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        self.handler.calls.count()
    }
}

/// Opens the inbox at `url` and starts workers running `handler`.
#[cfg(inbox)]
async fn open_inbox(
    url: &str,
    handler: &Handler,
) -> (
    tower_webhook::inbox::Inbox,
    tower_webhook::inbox::WorkersHandle,
) {
    let inbox = tower_webhook::inbox::Inbox::connect(url)
        .await
        .expect("inbox");
    let workers = inbox.workers(handler.router()).spawn();
    (inbox, workers)
}

/// A server behind one layer, and that layer's counters.
struct Receiver {
    server: Server,
    counters: Counters,
}

/// What a copy was answered.
#[derive(Clone, PartialEq, Eq)]
enum Answer {
    /// A 2xx that is not a duplicate: the handler's `200` (store), `202` (inbox).
    Accepted,
    /// `200` with `webhook-duplicate: true`.
    Duplicate,
    /// Anything else: the status and the body.
    Status(u16, String),
}

impl Answer {
    fn is_status(&self, status: u16) -> bool {
        matches!(self, Answer::Status(s, _) if *s == status)
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Accepted => f.write_str("accepted"),
            Answer::Duplicate => f.write_str("duplicate"),
            Answer::Status(status, body) => write!(f, "{status} {body}"),
        }
    }
}

/// The handler behind every layer: counts its runs, and fails the next few on request.
#[derive(Clone, Default)]
struct Handler {
    calls: Calls,
    failures_to_come: Arc<AtomicUsize>,
}

impl Handler {
    /// The next `n` runs answer `500`.
    fn fail_next(&self, n: usize) {
        self.failures_to_come.store(n, Ordering::SeqCst);
    }

    /// One run: whether it fails.
    fn run(&self) -> StatusCode {
        self.calls.hit();
        let fail = self
            .failures_to_come
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if fail {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::OK
        }
    }

    /// A router with the handler at `/hook`.
    fn router(&self) -> Router {
        let handler = self.clone();
        Router::new().route(
            "/hook",
            post(move || {
                let status = handler.run();
                async move {
                    (
                        status,
                        if status.is_success() {
                            "handled"
                        } else {
                            "failed"
                        },
                    )
                }
            }),
        )
    }

    /// The handler as a `Dispatch` route.
    fn dispatch_route(
        &self,
    ) -> impl Fn() -> std::future::Ready<StatusCode> + Clone + Send + Sync + 'static {
        let handler = self.clone();
        move || std::future::ready(handler.run())
    }
}

/// Presets that sign neither the id nor a timestamp: a retry repeats the signature.
#[derive(Clone, Copy, Debug)]
enum Unstamped {
    GitHub,
    Shopify,
}

impl Unstamped {
    const ALL: [Unstamped; 2] = [Unstamped::GitHub, Unstamped::Shopify];

    fn id_header(self) -> &'static str {
        match self {
            Unstamped::GitHub => "x-github-delivery",
            Unstamped::Shopify => "x-shopify-event-id",
        }
    }

    fn verifier(self, secrets: &[&str]) -> Verifier {
        let secrets = secrets.iter().copied();
        match self {
            Unstamped::GitHub => Verifier::builder(providers::github()).secrets(secrets),
            Unstamped::Shopify => Verifier::builder(providers::shopify()).secrets(secrets),
        }
        .build()
        .expect("verifier")
    }

    /// Delivery `id`, whose body is the `n`th content, signed with `secret`.
    fn delivery(self, secret: &str, id: &str, n: u32) -> http::Request<Bytes> {
        let (event_header, event) = match self {
            Unstamped::GitHub => ("x-github-event", "push"),
            Unstamped::Shopify => ("x-shopify-topic", "orders/create"),
        };
        let request = http::Request::post("/hook")
            .header("content-type", "application/json")
            .header(event_header, event)
            .body(Bytes::from(format!(
                r#"{{"content":{n},"ref":"refs/heads/main"}}"#
            )))
            .expect("request");
        let now = SystemTime::now();
        match self {
            Unstamped::GitHub => Signer::new(providers::github(), secret)
                .unwrap()
                .sign_with(request, id, now),
            Unstamped::Shopify => Signer::new(providers::shopify(), secret)
                .unwrap()
                .sign_with(request, id, now),
        }
        .expect("signed")
    }
}

/// Presets that sign a timestamp but not the id: a retry is signed anew.
#[derive(Clone, Copy, Debug)]
enum Stamped {
    Zendesk,
    Box,
    Linear,
}

const BOX_PRIMARY: &str = "box-signature-primary";
const BOX_SECONDARY: &str = "box-signature-secondary";

impl Stamped {
    const ALL: [Stamped; 3] = [Stamped::Zendesk, Stamped::Box, Stamped::Linear];

    fn id_header(self) -> &'static str {
        match self {
            Stamped::Zendesk => "x-zendesk-webhook-invocation-id",
            Stamped::Box => "box-delivery-id",
            Stamped::Linear => "linear-delivery",
        }
    }

    /// A verifier whose clock says `now`.
    fn verifier(self, secrets: &[&str], now: SystemTime) -> Verifier {
        let secrets = secrets.iter().copied();
        let clock = move || now;
        match self {
            Stamped::Zendesk => Verifier::builder(providers::zendesk())
                .secrets(secrets)
                .clock(clock)
                .build(),
            Stamped::Box => Verifier::builder(providers::box_com())
                .secrets(secrets)
                .clock(clock)
                .build(),
            Stamped::Linear => Verifier::builder(providers::linear())
                .secrets(secrets)
                .clock(clock)
                .build(),
        }
        .expect("verifier")
    }

    /// Delivery `id` of the `n`th content, signed with `secret` at `at` (Linear's timestamp
    /// is in its body).
    fn delivery(self, secret: &str, id: &str, at: SystemTime, n: u32) -> http::Request<Bytes> {
        let body = match self {
            Stamped::Zendesk => {
                format!(r#"{{"type":"zen:event-type:ticket.created","content":{n}}}"#)
            }
            Stamped::Box => {
                format!(r#"{{"type":"webhook_event","trigger":"FILE.UPLOADED","content":{n}}}"#)
            }
            Stamped::Linear => {
                let millis = at
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .expect("after 1970")
                    .as_millis();
                format!(
                    r#"{{"type":"Issue","action":"create","content":{n},"webhookTimestamp":{millis}}}"#
                )
            }
        };
        let request = http::Request::post("/hook")
            .header("content-type", "application/json")
            .body(Bytes::from(body))
            .expect("request");
        match self {
            Stamped::Zendesk => Signer::new(providers::zendesk(), secret)
                .unwrap()
                .sign_with(request, id, at),
            Stamped::Box => Signer::new(providers::box_com(), secret)
                .unwrap()
                .sign_with(request, id, at),
            Stamped::Linear => Signer::new(providers::linear(), secret)
                .unwrap()
                .sign_with(request, id, at),
        }
        .expect("signed")
    }
}

/// A Box delivery signed as Box does with two keys: the primary signature header by the
/// primary key, the secondary by the secondary.
fn box_signed_by_both(
    primary: &str,
    secondary: &str,
    id: &str,
    at: SystemTime,
) -> http::Request<Bytes> {
    let mut request = Stamped::Box.delivery(primary, id, at, 1);
    let by_secondary = Stamped::Box.delivery(secondary, id, at, 1);
    let signature = by_secondary.headers()[BOX_PRIMARY].clone();
    request.headers_mut().insert(BOX_SECONDARY, signature);
    request
}

/// Now, to the second: what a provider's RFC 3339 timestamp carries.
fn now_in_whole_seconds() -> SystemTime {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970");
    SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs())
}

/// `request` sent to `receiver`'s server.
fn to(receiver: &Receiver, request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = common::copy(request);
    *copy.uri_mut() = receiver
        .server
        .url(request.uri().path())
        .parse()
        .expect("uri");
    copy
}

/// A copy of `request` without header `name`.
fn without_header(request: &http::Request<Bytes>, name: &str) -> http::Request<Bytes> {
    let mut copy = common::copy(request);
    copy.headers_mut().remove(name);
    copy
}

/// A directory of its own, removed when dropped.
#[cfg(feature = "inbox-sqlite")]
struct TempDir(std::path::PathBuf);

#[cfg(feature = "inbox-sqlite")]
impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-joints-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }
}

#[cfg(feature = "inbox-sqlite")]
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The crate's log events, captured for the whole test binary (tests running at once tell
/// theirs apart by the ids they log).
#[derive(Clone)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn capture() -> Log {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log(Arc::default());
            tracing_subscriber::fmt()
                .with_env_filter("tower_webhook=info")
                .with_ansi(false)
                .with_writer(log.clone())
                .try_init()
                .expect("the only subscriber of this test binary");
            log
        })
        .clone()
    }

    fn lines_about(&self, id: &str) -> String {
        let text = String::from_utf8_lossy(&self.0.lock().expect("log")).into_owned();
        text.lines()
            .filter(|line| line.contains(id))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether an event at `warn` mentions `id`.
    fn warned_about(&self, id: &str) -> bool {
        self.lines_about(id)
            .lines()
            .any(|line| line.contains(" WARN "))
    }
}

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}
