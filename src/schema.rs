//! JSON Schemas (draft-07) for rubric and program files, so that editors complete and check them.
//!
//! The schemas are generated from the serde structs the loader reads (`rubric/raw.rs` and the
//! raw structs of `program.rs`), so they cannot say something the loader does not: each key's
//! description is its doc comment there. What a schema cannot express (a label per level,
//! ascending thresholds, formulas that parse) is left to `polscore check`.
//!
//! taplo and the Even Better TOML extension read draft-07, hence
//! [`SchemaSettings::draft07`] rather than schemars' 2020-12 default.

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// The JSON Schema of a rubric file (SPEC §3).
pub fn rubric() -> Value {
    generate::<crate::rubric::raw::RubricFile>()
}

/// The JSON Schema of a program description file (SPEC §4).
pub fn program() -> Value {
    generate::<crate::program::RawFile>()
}

fn generate<T: JsonSchema>() -> Value {
    let mut settings = SchemaSettings::draft07();
    // Before the draft-07 transforms, which move `$ref` siblings into an `allOf`.
    settings.transforms.insert(0, Box::new(ForToml));
    let schema = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    // `$schema`, title and description first, where a reader of the file looks.
    let Value::Object(mut rest) = schema else {
        return schema;
    };
    let mut ordered = serde_json::Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(v) = rest.remove(key) {
            ordered.insert(key.to_string(), v);
        }
    }
    ordered.append(&mut rest);
    Value::Object(ordered)
}

/// Fits a generated schema to TOML files and to editors: removes `null` from the types an
/// optional key accepts (TOML has no null; an absent key is what `Option` stands for), and
/// joins the lines of each paragraph of a description, which doc comments wrap at 100
/// columns but an editor's hover should wrap at its own width.
#[derive(Debug, Clone)]
struct ForToml;

impl Transform for ForToml {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::String(text)) = obj.get_mut("description") {
            *text = text
                .split("\n\n")
                .map(|paragraph| paragraph.replace('\n', " "))
                .collect::<Vec<_>>()
                .join("\n\n");
        }
        if let Some(Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if let [only] = types.as_slice() {
                let only = only.clone();
                obj.insert("type".into(), only);
            }
        }
        // `Option<T>` of a referenced `T` is `anyOf: [T, {type: null}]`.
        if let Some(Value::Array(alternatives)) = obj.get("anyOf") {
            let rest: Vec<Value> = alternatives
                .iter()
                .filter(|a| a.get("type").is_none_or(|t| t != "null"))
                .cloned()
                .collect();
            if rest.len() == 1 && rest.len() < alternatives.len() {
                obj.remove("anyOf");
                if let Value::Object(inner) = &rest[0] {
                    for (k, v) in inner {
                        obj.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
    }
}
