//! `/models/:id/register`: the threat register of a model: its threats (the engine's report with
//! the decisions applied, from `GET /models/{id}/threats`) in a table sortable by any column
//! and filterable by STRIDE, severity, status, element and owner; a STRIDE × severity heat map
//! whose cells filter the table; download links for every export format; a print stylesheet.
//! [`rows`] is the pure part (rows, sorting, filters, heat map).

mod rows;

use crate::api::{use_api, ModelView, ThreatsView};
use crate::erase::{Erase, When};
use crate::hooks::{redirect_on_401, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use rows::{
    heat_level, heat_map, names, severity_from, severity_label, sort, status_from, status_label,
    stride_from, Column, Filter, Row, Sort, STATUSES,
};

use analysis::{Severity, Stride};

/// The export formats of `GET /models/{id}/export`, with their labels: the register's first,
/// then the model's.
const REGISTER_FORMATS: [(&str, &str); 5] = [
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("json", "JSON"),
    ("md", "Markdown"),
    ("pdf", "PDF"),
];
const MODEL_FORMATS: [(&str, &str); 3] = [
    ("rampart", "Rampart model"),
    ("threat-dragon", "Threat Dragon"),
    ("otm", "Open Threat Model"),
];

/// The model id of the route, kept while the router leaves the page (as on the team page).
pub fn use_model_id() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |previous: Option<&String>| {
        match params.with(|p| p.get("id")).filter(|id| !id.is_empty()) {
            Some(id) => id,
            None => previous.cloned().unwrap_or_default(),
        }
    })
}

/// The register page.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let model_id = use_model_id();

    let model = LocalResource::new(move || {
        let id = model_id.get();
        async move { api.get::<ModelView>(&format!("/models/{id}")).await }
    });
    redirect_on_401(model);
    let threats = LocalResource::new(move || {
        let id = model_id.get();
        async move {
            api.get::<ThreatsView>(&format!("/models/{id}/threats"))
                .await
        }
    });
    redirect_on_401(threats);

    // The rows once both answers are in; `None` while loading, the first error otherwise.
    let all_rows = Memo::new(move |_| {
        let model = model.get()?;
        let threats = threats.get()?;
        Some(match (model, threats) {
            (Ok(model), Ok(threats)) => Ok(rows::rows(&threats.report, &names(&model.model))),
            (Err(err), _) | (_, Err(err)) => Err(err.to_string()),
        })
    });
    let filter = RwSignal::new(Filter::default());
    let order = RwSignal::new(Sort::default());

    let heading = move || {
        let name = model
            .get()
            .and_then(Result::ok)
            .map(|m| m.name)
            .unwrap_or_default();
        if name.is_empty() {
            "Threat register".to_string()
        } else {
            format!("Threat register: {name}")
        }
    };

    let body = move || {
        match all_rows.get() {
        None => view! { <p class="hint" role="status">"Loading the threats…"</p> }.erase(),
        Some(Err(message)) => view! {
            <p class="form-error" role="alert">{message}</p>
            <p><a href="/models">"Back to your models"</a></p>
        }
        .erase(),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="hint">
                "No threats yet. Draw the architecture in the editor: threats appear as elements and flows are added."
            </p>
        }
        .erase(),
        Some(Ok(list)) => {
            let list = StoredValue::new(list);
            view! {
                <Filters list=list filter=filter hydrated=hydrated/>
                <HeatMap list=list filter=filter hydrated=hydrated/>
                <RegisterTable list=list filter=filter order=order hydrated=hydrated/>
            }
            .erase()
        }
    }
    };

    view! {
        <Title text="Threat register"/>
        <div class="page-stack wb-wide register" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="register-title">
                <h1 id="register-title">{heading}</h1>
                <p class="wb-links">
                    <a href=move || format!("/models/{}", model_id.get())>"Back to the editor"</a>
                    <a href=move || format!("/models/{}/versions", model_id.get())>"Versions"</a>
                    <a href="/models">"All models"</a>
                </p>
                <Exports model_id=model_id/>
            </section>
            <section class="page" aria-label="Threats">
                {body}
            </section>
        </div>
    }
    .erase()
}

/// Download links for every export format.
#[component]
fn Exports(model_id: Memo<String>) -> impl IntoView {
    let links = move |formats: &'static [(&'static str, &'static str)]| {
        formats
            .iter()
            .map(|(format, label)| {
                let href =
                    move || format!("/api/v1/models/{}/export?format={format}", model_id.get());
                view! {
                    <a class="button secondary" href=href download="" data-format=*format>
                        {*label}
                    </a>
                }
            })
            .collect_view()
    };
    view! {
        <div class="wb-exports no-print">
            <div class="wb-export-group" role="group" aria-labelledby="export-register">
                <span id="export-register" class="wb-export-label">"Download the register"</span>
                {links(&REGISTER_FORMATS)}
            </div>
            <div class="wb-export-group" role="group" aria-labelledby="export-model">
                <span id="export-model" class="wb-export-label">"Download the model"</span>
                {links(&MODEL_FORMATS)}
            </div>
        </div>
    }
    .erase()
}

/// The filters above the table, with the live count.
#[component]
fn Filters(
    list: StoredValue<Vec<Row>>,
    filter: RwSignal<Filter>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let disabled = move || !hydrated.get();
    let stride_options = Stride::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str()>{s.to_string()}</option> })
        .collect_view();
    let severity_options = Severity::ALL
        .iter()
        .rev()
        .map(|s| view! { <option value=s.as_str()>{severity_label(*s)}</option> })
        .collect_view();
    let status_options = STATUSES
        .iter()
        .map(|s| view! { <option value=s.as_str()>{status_label(*s)}</option> })
        .collect_view();
    let mut elements: Vec<(String, String)> = list.with_value(|rows| {
        rows.iter()
            .map(|r| (r.element_id.clone(), r.element.clone()))
            .collect()
    });
    elements.sort_by_key(|(id, name)| (name.to_lowercase(), id.clone()));
    elements.dedup_by(|a, b| a.0 == b.0);
    let element_options = elements
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();

    let total = list.with_value(Vec::len);
    let shown = move || {
        let f = filter.get();
        list.with_value(|rows| rows.iter().filter(|r| f.matches(r)).count())
    };
    let count = move || {
        let n = shown();
        if n == total {
            crate::browser::count(total, "threat")
        } else {
            format!("{n} of {}", crate::browser::count(total, "threat"))
        }
    };

    view! {
        <div class="filters no-print" role="search" aria-label="Filter the threats">
            <div class="field">
                <label for="filter-stride">"STRIDE"</label>
                <select
                    id="filter-stride"
                    disabled=disabled
                    prop:value=move || filter.with(|f| f.stride.map(Stride::as_str).unwrap_or_default())
                    on:change=move |ev| filter.update(|f| f.stride = stride_from(&event_target_value(&ev)))
                >
                    <option value="">"All"</option>
                    {stride_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-severity">"Severity"</label>
                <select
                    id="filter-severity"
                    disabled=disabled
                    prop:value=move || filter.with(|f| f.severity.map(|s| s.as_str()).unwrap_or_default())
                    on:change=move |ev| filter.update(|f| f.severity = severity_from(&event_target_value(&ev)))
                >
                    <option value="">"All"</option>
                    {severity_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select
                    id="filter-status"
                    disabled=disabled
                    prop:value=move || filter.with(|f| f.status.map(|s| s.as_str()).unwrap_or_default())
                    on:change=move |ev| filter.update(|f| f.status = status_from(&event_target_value(&ev)))
                >
                    <option value="">"All"</option>
                    {status_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-element">"Element"</label>
                <select
                    id="filter-element"
                    disabled=disabled
                    prop:value=move || filter.with(|f| f.element.clone())
                    on:change=move |ev| filter.update(|f| f.element = event_target_value(&ev))
                >
                    <option value="">"All"</option>
                    {element_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-owner">"Owner"</label>
                <input
                    id="filter-owner"
                    type="search"
                    placeholder="Any owner"
                    disabled=disabled
                    prop:value=move || filter.with(|f| f.owner.clone())
                    on:input=move |ev| filter.update(|f| f.owner = event_target_value(&ev))
                />
            </div>
            <button
                type="button"
                class="secondary"
                disabled=move || disabled() || !filter.with(Filter::is_active)
                on:click=move |_| filter.set(Filter::default())
            >
                "Clear filters"
            </button>
            <p class="wb-count" role="status" aria-live="polite" data-testid="register-count">
                {count}
            </p>
        </div>
    }
    .erase()
}

/// STRIDE × severity counts; a cell's button filters the table to it (again to clear).
#[component]
fn HeatMap(
    list: StoredValue<Vec<Row>>,
    filter: RwSignal<Filter>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let counts = list.with_value(|rows| heat_map(rows));
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    let header = Severity::ALL
        .iter()
        .map(|s| view! { <th scope="col">{severity_label(*s)}</th> })
        .collect_view();
    let body = Stride::ALL
        .iter()
        .zip(counts)
        .map(|(stride, cells)| {
            let stride = *stride;
            let cells = Severity::ALL
                .iter()
                .zip(cells)
                .map(|(severity, count)| {
                    let severity = *severity;
                    let selected = move || {
                        filter.with(|f| f.stride == Some(stride) && f.severity == Some(severity))
                    };
                    let label = format!(
                        "{stride}, {}: {count} {}",
                        severity_label(severity).to_lowercase(),
                        if count == 1 { "threat" } else { "threats" }
                    );
                    let class = format!(
                        "heat-cell heat-{} sev-{}",
                        heat_level(count, max),
                        severity.as_str()
                    );
                    view! {
                        <td>
                            <button
                                type="button"
                                class=class
                                aria-label=label
                                aria-pressed=move || selected().to_string()
                                disabled=move || !hydrated.get()
                                data-testid=format!("heat-{}-{}", stride.as_str(), severity.as_str())
                                on:click=move |_| {
                                    filter.update(|f| {
                                        if f.stride == Some(stride) && f.severity == Some(severity) {
                                            f.stride = None;
                                            f.severity = None;
                                        } else {
                                            f.stride = Some(stride);
                                            f.severity = Some(severity);
                                        }
                                    })
                                }
                            >
                                {count}
                            </button>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{stride.to_string()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="heat-map-wrap">
            <table class="heat-map">
                <caption>"Threats by STRIDE category and severity (choose a cell to filter)"</caption>
                <thead>
                    <tr>
                        <td></td>
                        {header}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .erase()
}

/// The table, sorted by the chosen column, with only the rows the filters let through.
#[component]
fn RegisterTable(
    list: StoredValue<Vec<Row>>,
    filter: RwSignal<Filter>,
    order: RwSignal<Sort>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let headers = Column::ALL
        .iter()
        .map(|(column, label)| {
            let column = *column;
            view! {
                <th scope="col" aria-sort=move || order.get().aria(column)>
                    <button
                        type="button"
                        class="sort"
                        disabled=move || !hydrated.get()
                        on:click=move |_| order.update(|o| *o = o.toggled(column))
                    >
                        {*label}
                        <span class="sort-mark" aria-hidden="true">
                            {move || match order.get().aria(column) {
                                "ascending" => "▲",
                                "descending" => "▼",
                                _ => "",
                            }}
                        </span>
                    </button>
                </th>
            }
        })
        .collect_view();

    let visible = Memo::new(move |_| {
        let f = filter.get();
        let mut rows: Vec<Row> =
            list.with_value(|rows| rows.iter().filter(|r| f.matches(r)).cloned().collect());
        sort(&mut rows, order.get());
        rows
    });

    view! {
        <div class="table-scroll">
            <table class="table register-table">
                <caption class="visually-hidden">"Threat register"</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>
                    <For each=move || visible.get() key=|row| row.key.clone() let:row>
                        <RegisterRow row=row/>
                    </For>
                </tbody>
            </table>
            <When when=move || visible.with(Vec::is_empty)>
                <p class="hint">"No threat matches these filters. Clear them to see every threat."</p>
            </When>
        </div>
    }
    .erase()
}

/// One row of the table.
#[component]
fn RegisterRow(row: Row) -> impl IntoView {
    let severity = row.severity.as_str();
    view! {
        <tr data-key=row.key.clone()>
            <td>
                <span class="threat-title">{row.title}</span>
                <span class="mono threat-key">{row.key.clone()}</span>
            </td>
            <td>{row.stride.to_string()}</td>
            <td>{row.element}</td>
            <td>
                <span class=format!("severity {severity}")>{severity_label(row.severity)}</span>
            </td>
            <td class="num">{format!("{:.1}", row.residual_risk)}</td>
            <td>{status_label(row.status)}</td>
            <td>{row.owner}</td>
            <td class="nowrap">{row.due}</td>
        </tr>
    }
    .erase()
}
