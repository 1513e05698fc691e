//! The editor's state: the working copy of the model, the save queue, undo and redo, and the
//! selection. Every edit is a list of [`Operation`]s: applied here first (so the canvas and the
//! live analysis follow at once), then sent to `POST /models/{id}/operations` against the
//! revision the copy is based on. A 409 means someone else saved meanwhile: the latest
//! revision is loaded and the edits not yet accepted are applied again on top of it, one by
//! one (those that no longer apply are dropped), and the person is told. Nothing is ever sent
//! without a base revision, so nothing is overwritten silently.

use crate::api::{Access, Api, ApiError, DecisionChange, ModelDocument, OperationBatch, Revised};
use analysis::model::Decision;
use analysis::ops::between;
use analysis::{apply, Operation, ThreatModel};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// Why nothing changes for a person whose role only lets them read.
pub const READ_ONLY: &str =
    "You can view this model but not change it: ask an owner of its team for the editor role.";

/// What the save indicator shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Every edit is on the server.
    Saved,
    /// A batch is on its way.
    Saving,
    /// The server could not be reached; edits wait and are retried.
    Offline(String),
    /// The server refused an edit for good (no permission, invalid); the model was reloaded.
    Refused(String),
}

/// One undoable step: the operations that made it and those that take it back.
#[derive(Clone, Debug)]
struct Step {
    forward: Vec<Operation>,
    backward: Vec<Operation>,
}

/// The editor. Cheap to copy: every field is a signal or a stored value.
#[derive(Clone, Copy)]
pub struct Editor {
    api: Api,
    pub model_id: StoredValue<String>,
    pub team_id: RwSignal<String>,
    /// What the person may do (a viewer sees the model but changes nothing).
    pub access: RwSignal<Access>,
    /// The working copy, decisions included.
    pub model: RwSignal<ThreatModel>,
    /// The server revision the working copy is based on (plus the pending edits).
    pub revision: RwSignal<i64>,
    pub loaded: RwSignal<Option<Result<(), ApiError>>>,
    pub save: RwSignal<SaveState>,
    /// Edits waiting for the server, in order.
    pending: StoredValue<Vec<Operation>>,
    pub pending_count: RwSignal<usize>,
    in_flight: StoredValue<bool>,
    undo: StoredValue<Vec<Step>>,
    redo: StoredValue<Vec<Step>>,
    /// (undo steps, redo steps), for the buttons.
    pub history: RwSignal<(usize, usize)>,
    /// A message for the person: a conflict resolved, an edit refused.
    pub notice: RwSignal<Option<String>>,
    /// Selected element and flow ids.
    pub selection: RwSignal<Vec<String>>,
    /// The threat whose details are open.
    pub threat: RwSignal<Option<String>>,
}

impl Editor {
    pub fn new(api: Api, model_id: String) -> Editor {
        Editor {
            api,
            model_id: StoredValue::new(model_id),
            team_id: RwSignal::new(String::new()),
            access: RwSignal::new(Access::default()),
            model: RwSignal::new(ThreatModel::new("")),
            revision: RwSignal::new(0),
            loaded: RwSignal::new(None),
            save: RwSignal::new(SaveState::Saved),
            pending: StoredValue::new(Vec::new()),
            pending_count: RwSignal::new(0),
            in_flight: StoredValue::new(false),
            undo: StoredValue::new(Vec::new()),
            redo: StoredValue::new(Vec::new()),
            history: RwSignal::new((0, 0)),
            notice: RwSignal::new(None),
            selection: RwSignal::new(Vec::new()),
            threat: RwSignal::new(None),
        }
    }

    fn path(&self, tail: &str) -> String {
        format!("/models/{}{tail}", self.model_id.get_value())
    }

    /// Loads the model. Elements without diagram geometry are placed and the placement saved.
    pub fn load(self) {
        spawn_local(async move {
            match self.api.get::<ModelDocument>(&self.path("")).await {
                Ok(view) => {
                    let mut model = view.model;
                    let missing = model.elements.iter().any(|e| e.geometry.is_none());
                    let before = model.clone();
                    if missing {
                        analysis::layout::fill_missing(&mut model);
                    }
                    self.team_id.set(view.team_id);
                    self.revision.set(view.revision);
                    self.access.set(view.access);
                    // Placement is not an edit of the person's: saved (by those who may
                    // change the model), but not undoable.
                    let placement = between(&before, &model);
                    self.model.set(model);
                    self.loaded.set(Some(Ok(())));
                    if view.access.edit {
                        self.queue(placement);
                    }
                }
                Err(err) => self.loaded.set(Some(Err(err))),
            }
        });
    }

    /// Applies `ops` to the working copy as one undoable step and queues them for the server.
    /// Returns false (and says why) when they do not apply.
    pub fn edit(self, ops: Vec<Operation>) -> bool {
        if ops.is_empty() {
            return true;
        }
        if !self.access.get_untracked().edit {
            self.notice.set(Some(READ_ONLY.to_string()));
            return false;
        }
        let current = self.model.get_untracked();
        match apply(&current, &ops) {
            Ok(next) => {
                let backward = between(&next, &current);
                self.model.set(next);
                self.undo.update_value(|u| {
                    u.push(Step {
                        forward: ops.clone(),
                        backward,
                    });
                    if u.len() > 200 {
                        u.remove(0);
                    }
                });
                self.redo.update_value(Vec::clear);
                self.sync_history();
                self.queue(ops);
                true
            }
            Err(err) => {
                self.notice.set(Some(format!(
                    "That edit was not made: {}.",
                    err.message.trim_end_matches('.')
                )));
                false
            }
        }
    }

    pub fn undo(self) {
        self.step(true);
    }

    pub fn redo(self) {
        self.step(false);
    }

    fn step(self, back: bool) {
        let (from, to) = if back {
            (self.undo, self.redo)
        } else {
            (self.redo, self.undo)
        };
        let Some(step) = from.try_update_value(Vec::pop).flatten() else {
            return;
        };
        let ops = if back { &step.backward } else { &step.forward };
        let current = self.model.get_untracked();
        match apply(&current, ops) {
            Ok(next) => {
                let ops = ops.clone();
                self.model.set(next);
                to.update_value(|t| t.push(step));
                self.queue(ops);
            }
            Err(err) => self.notice.set(Some(format!(
                "Could not {} that step: {}.",
                if back { "undo" } else { "redo" },
                err.message.trim_end_matches('.')
            ))),
        }
        self.sync_history();
    }

    fn sync_history(self) {
        let u = self.undo.with_value(Vec::len);
        let r = self.redo.with_value(Vec::len);
        self.history.set((u, r));
    }

    fn queue(self, ops: Vec<Operation>) {
        if ops.is_empty() {
            return;
        }
        self.pending.update_value(|p| p.extend(ops));
        self.pending_count.set(self.pending.with_value(Vec::len));
        self.flush();
    }

    /// Sends what is pending, one batch at a time.
    pub fn flush(self) {
        if self.in_flight.get_value() || self.pending.with_value(Vec::is_empty) {
            return;
        }
        let batch = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        self.in_flight.set_value(true);
        self.save.set(SaveState::Saving);
        let base = self.revision.get_untracked();
        spawn_local(async move {
            let body = OperationBatch {
                base_revision: base,
                operations: &batch,
            };
            let answer: Result<Revised, ApiError> =
                self.api.post(&self.path("/operations"), &body).await;
            self.in_flight.set_value(false);
            match answer {
                Ok(revised) => {
                    self.revision.set(revised.revision);
                    self.pending_count.set(self.pending.with_value(Vec::len));
                    if self.pending.with_value(Vec::is_empty) {
                        self.save.set(SaveState::Saved);
                    } else {
                        self.flush();
                    }
                }
                Err(err) if err.status == 409 => self.reconcile(batch).await,
                Err(err) if err.status == 0 || err.status >= 500 || err.status == 429 => {
                    // Keep the batch first in line and try again shortly.
                    self.pending.update_value(|p| {
                        let mut all = batch;
                        all.append(p);
                        *p = all;
                    });
                    self.save.set(SaveState::Offline(err.to_string()));
                    set_timeout(move || self.flush(), Duration::from_secs(5));
                }
                Err(err) => {
                    self.pending.update_value(Vec::clear);
                    self.pending_count.set(0);
                    let reason = if err.status == 403 {
                        "You can read this model but not edit it; your change was not saved."
                            .to_string()
                    } else {
                        format!("The server refused the change: {err}")
                    };
                    self.save.set(SaveState::Refused(reason));
                    self.reload_after_refusal().await;
                }
            }
        });
    }

    /// Someone else saved first: take their revision and replay ours on top.
    async fn reconcile(self, batch: Vec<Operation>) {
        let mine: Vec<Operation> = {
            let mut all = batch;
            self.pending.update_value(|p| all.append(p));
            all
        };
        match self.api.get::<ModelDocument>(&self.path("")).await {
            Ok(view) => {
                let mut model = view.model;
                let (mut kept, mut dropped) = (Vec::new(), 0usize);
                for op in mine {
                    match apply(&model, std::slice::from_ref(&op)) {
                        Ok(next) => {
                            model = next;
                            kept.push(op);
                        }
                        Err(_) => dropped += 1,
                    }
                }
                let count = kept.len();
                self.model.set(model);
                self.revision.set(view.revision);
                self.undo.update_value(Vec::clear);
                self.redo.update_value(Vec::clear);
                self.sync_history();
                let mut message = format!(
                    "Someone else changed this model meanwhile (now revision {}). Their changes are loaded",
                    view.revision
                );
                if count > 0 {
                    message.push_str(&format!(
                        " and your {count} unsaved edit{} re-applied on top",
                        if count == 1 { " was" } else { "s were" }
                    ));
                }
                if dropped > 0 {
                    message.push_str(&format!(
                        "; {dropped} edit{} no longer applied and {} dropped",
                        if dropped == 1 { "" } else { "s" },
                        if dropped == 1 { "was" } else { "were" }
                    ));
                }
                message.push('.');
                self.notice.set(Some(message));
                self.pending.set_value(kept);
                self.pending_count.set(count);
                if count == 0 {
                    self.save.set(SaveState::Saved);
                }
                self.flush();
            }
            Err(err) => {
                self.pending.set_value(mine);
                self.save.set(SaveState::Offline(err.to_string()));
                set_timeout(move || self.flush(), Duration::from_secs(5));
            }
        }
    }

    async fn reload_after_refusal(self) {
        if let Ok(view) = self.api.get::<ModelDocument>(&self.path("")).await {
            self.model.set(view.model);
            self.revision.set(view.revision);
            self.undo.update_value(Vec::clear);
            self.redo.update_value(Vec::clear);
            self.sync_history();
        }
    }

    /// Records a decision on a threat (its own endpoint and revision; not undoable here).
    pub async fn decide(self, key: String, decision: Decision) -> Result<(), ApiError> {
        if !self.access.get_untracked().decide {
            return Err(ApiError {
                status: 403,
                code: "forbidden".to_string(),
                message: "your role lets you read this model, not record decisions".to_string(),
                field: None,
                retry_after: None,
            });
        }
        let path = self.path(&format!("/decisions/{}", crate::browser::encode(&key)));
        self.api
            .put::<_, serde_json::Value>(
                &path,
                &DecisionChange {
                    decision: &decision,
                },
            )
            .await?;
        self.model.update(|m| {
            m.decisions.insert(key, decision);
        });
        Ok(())
    }
}
