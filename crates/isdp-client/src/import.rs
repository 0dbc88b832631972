//! Person import: `openFile/v1/person/importData` (multipart upload of a
//! filled-in template) and `person/getTemplateExcel` (the template).

use std::borrow::Cow;

use bytes::{BufMut, Bytes, BytesMut};
use hr_common::Result;
use hr_common::endpoint::Endpoint;
use hr_common::transport::{CallOptions, Request};
use serde::Serialize;

use crate::client::IsdpClient;
use crate::download::{self, Download};
use crate::export::ExportTask;
use crate::group;
use crate::ids::UserId;
use crate::reply::BareReply;

/// `openFile/v1/person/importData`.
pub const IMPORT_PATH: &str = "/openapi/openFile/v1/person/importData";
/// `person/getTemplateExcel`.
pub const TEMPLATE_PATH: &str = "/openapi/v1/person/getTemplateExcel";

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `openFile/v1/person/importData`: uploads a workbook as multipart
/// `file`, `importName`, `createdBy`, and answers the import task. Poll it
/// with [`FindExportTasks`](crate::FindExportTasks) like an export; its
/// failure status is 4 ([`TaskStatus::Aborted`](crate::TaskStatus::Aborted)) or 3.
///
/// `send` uploads the file and answers the task. It is not retried after
/// a send failure, which could import twice.
///
/// ```
/// let req = isdp_client::ImportPersons::new("persons.xlsx", b"PK..".to_vec()).import_name("personModel.import");
/// # let _ = req;
/// ```
#[doc(alias = "importData")]
#[derive(Debug, Clone)]
pub struct ImportPersons {
    file_name: String,
    file: Bytes,
    content_type: String,
    import_name: Option<String>,
    created_by: Option<UserId>,
}

impl ImportPersons {
    /// The workbook's file name and bytes (sent as `.xlsx` unless
    /// [`content_type`](ImportPersons::content_type) says otherwise).
    pub fn new(file_name: impl Into<String>, file: impl Into<Bytes>) -> Self {
        ImportPersons {
            file_name: file_name.into(),
            file: file.into(),
            content_type: XLSX.to_owned(),
            import_name: None,
            created_by: None,
        }
    }

    /// The file part's content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// `importName`: the import scene.
    pub fn import_name(mut self, name: impl Into<String>) -> Self {
        self.import_name = Some(name.into());
        self
    }

    /// `createdBy`.
    pub fn created_by(mut self, user: impl Into<UserId>) -> Self {
        self.created_by = Some(user.into());
        self
    }

    /// The `multipart/form-data` body and its boundary.
    fn multipart(&self) -> (String, Bytes) {
        // A boundary that cannot occur in the file: random, and checked.
        let boundary = loop {
            let b = format!(
                "----isdp-client-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            );
            if !self.file.windows(b.len()).any(|w| w == b.as_bytes()) {
                break b;
            }
        };
        let mut body = BytesMut::with_capacity(self.file.len() + 512);
        let name = self.file_name.replace(['"', '\r', '\n'], "_");
        body.put_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {}\r\n\r\n", self.content_type).as_bytes());
        body.put_slice(&self.file);
        body.put_slice(b"\r\n");
        let mut text = |field: &str, value: &str| {
            body.put_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n").as_bytes());
        };
        if let Some(v) = &self.import_name {
            text("importName", v);
        }
        if let Some(v) = self.created_by {
            text("createdBy", &v.to_string());
        }
        body.put_slice(format!("--{boundary}--\r\n").as_bytes());
        (boundary, body.freeze())
    }
}

impl Endpoint for ImportPersons {
    type Client = IsdpClient;
    type Output = ExportTask;
    type Envelope = BareReply;
    const PATH: &'static str = IMPORT_PATH;
    const IDEMPOTENT: bool = false;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    /// A `multipart/form-data` body with a fresh boundary.
    fn to_request(&self) -> Result<Request> {
        let (boundary, body) = self.multipart();
        Ok(Request::new(Self::METHOD, Self::PATH)
            .bytes(format!("multipart/form-data; boundary={boundary}"), body))
    }
}

hr_common::impl_send!(ImportPersons);

/// `person/getTemplateExcel`: downloads the import template.
///
/// The reference gives only the request (`{fileName}`); the answer is read
/// as the file's bytes, like serveFile's (so this is no
/// [`Endpoint`]: the body is streamed).
#[doc(alias = "getTemplateExcel")]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetTemplateExcel {
    /// `fileName`.
    pub file_name: String,
}

impl GetTemplateExcel {
    /// The template with this file name.
    pub fn new(file_name: impl Into<String>) -> Self {
        GetTemplateExcel {
            file_name: file_name.into(),
        }
    }

    /// Starts the download.
    pub async fn send(&self, client: &IsdpClient) -> Result<Download> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults.
    pub async fn send_with(&self, client: &IsdpClient, options: &CallOptions) -> Result<Download> {
        download::open(client, TEMPLATE_PATH, self, options).await
    }
}
