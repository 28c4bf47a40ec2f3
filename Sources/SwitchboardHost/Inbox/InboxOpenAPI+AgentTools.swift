import Foundation

/// The routes of templates and attachments in the OpenAPI document (docs/inbox-api.md),
/// kept beside their handlers and merged into `InboxOpenAPI.baseDocument` (paths, responses and
/// schemas are added; nothing of the base is replaced).
extension InboxOpenAPI {
    static let agentTools = #"""
{
  "paths": {
    "/api/v1/conversations/{id}/templates": {
      "get": {
        "operationId": "listTemplates",
        "summary": "The message templates of the conversation's WhatsApp channel (its business account, waba_id), as last synced; only approved ones without a media header can be sent",
        "tags": [
          "templates"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "conversation id",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the templates, by name then language",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TemplateList"
                }
              }
            }
          },
          "401": {
            "description": "no credential, or a bad one",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in the caller's workspace (a record of another workspace is not found either)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/conversations/{id}/templates/sync": {
      "post": {
        "operationId": "syncTemplates",
        "summary": "Read the channel's templates from the Graph API again (GET /{waba_id}/message_templates) and answer the new list; owners and admins only",
        "tags": [
          "templates"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "conversation id",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "the templates as now stored",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TemplateList"
                }
              }
            }
          },
          "401": {
            "description": "no credential, or a bad one",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in the caller's workspace (a record of another workspace is not found either)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "an agent (only owners and admins may sync, code forbidden), or a session request without a valid X-CSRF-Token",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "the channel has no waba_id (code no_templates)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "502": {
            "description": "the Graph API did not give the list (code provider_error); the stored list is unchanged",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/conversations/{id}/template": {
      "post": {
        "operationId": "sendTemplate",
        "summary": "Queue an approved template for the customer through the channel's outbox; allowed after the 24-hour window. Parameters and header media are checked against the template before anything is stored. A template with an image, video or document header takes its file as multipart/form-data (part template: the JSON below; part header_file: the file with its Content-Type and filename; uploaded to the Graph API at send time and named by its id) or an https link in header_media. Bodies up to media.max_upload_bytes",
        "tags": [
          "templates"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "conversation id",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TemplateSend"
              }
            },
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "required": [
                  "template"
                ],
                "properties": {
                  "template": {
                    "type": "string",
                    "description": "the TemplateSend JSON object"
                  },
                  "header_file": {
                    "type": "string",
                    "format": "binary",
                    "description": "the media header's file: JPEG or PNG up to 5 MB, MP4 or 3GPP up to 16 MB, PDF, text or Office document up to 100 MB (by the header's kind)"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "queued (kind template, text the rendered body)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "400": {
            "description": "name or language missing, or the parameters do not fit the template (code invalid_parameters: count, empty, newline or tab; header media missing, of the wrong kind or type, too large, not what its bytes claim, or a link that is not https); nothing stored, no provider call",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "no credential, or a bad one",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in the caller's workspace, or no such template on its channel (code template_not_found)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "the template is not approved (code template_not_approved), or the channel has no waba_id (code no_templates)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "the body is larger than media.max_upload_bytes (refused on the announced length, before it is read; the message names the limit)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/conversations/{id}/attachments": {
      "post": {
        "operationId": "attach",
        "summary": "Send a file (an image or document; on WhatsApp Web and Telegram also audio and video): the file is the body, its MIME type the Content-Type. Checked (the channel's types and size limits, the file's signature, the 24-hour window on WhatsApp Cloud API) before anything is stored or uploaded; then kept in the media store and sent through the outbox by the channel's transport (Graph API upload and send by id, Evolution sendMedia, Telegram sendPhoto/sendDocument/sendAudio/sendVideo)",
        "tags": [
          "messages"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "conversation id",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "filename",
            "in": "query",
            "required": false,
            "description": "the file's name, shown to the customer for a document",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "caption",
            "in": "query",
            "required": false,
            "description": "a caption (at most 1024 characters)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "format": "binary"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "queued (kind image, document, audio or video)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "400": {
            "description": "an empty file or a caption too long",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "no credential, or a bad one",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in the caller's workspace (a record of another workspace is not found either)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "outside the 24-hour window (code outside_window), or a channel that sends no files (code unsupported_channel)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "larger than WhatsApp allows for the type (code media_too_large: 5 MB images, 100 MB documents), or than media.max_upload_bytes (refused on the announced length, before the file is read; the message names the limit)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "415": {
            "description": "a type WhatsApp does not take as an attachment (code unsupported_media_type; the message lists those it takes), or bytes that are not the type claimed (code media_type_mismatch)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/messages/{id}/media": {
      "get": {
        "responses": {
          "410": {
            "description": "the file was deleted by the workspace's media_retention_days (code media_deleted)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Template": {
        "type": "object",
        "required": [
          "name",
          "language",
          "status",
          "category",
          "body",
          "header_parameters",
          "body_parameters",
          "header_media",
          "header_media_types",
          "header_media_hint",
          "unavailable"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "language": {
            "type": "string",
            "description": "e.g. en_US; must match exactly when sending"
          },
          "status": {
            "type": "string",
            "enum": [
              "APPROVED",
              "PENDING",
              "REJECTED",
              "PAUSED",
              "DISABLED",
              "IN_APPEAL",
              "PENDING_DELETION",
              "DELETED",
              "ARCHIVED",
              "LIMIT_EXCEEDED",
              "UNKNOWN"
            ]
          },
          "category": {
            "type": "string"
          },
          "body": {
            "type": "string",
            "description": "the body text with its {{1}} placeholders"
          },
          "header_parameters": {
            "type": "integer"
          },
          "body_parameters": {
            "type": "integer"
          },
          "header_media": {
            "type": "string",
            "nullable": true,
            "description": "image, video or document: the header takes a file of this kind (or its https link) with each send; null for a text header or none"
          },
          "header_media_types": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "the MIME types that header takes (empty without a media header)"
          },
          "header_media_hint": {
            "type": "string",
            "nullable": true,
            "description": "what to give, for the agent (e.g. a JPEG or PNG image up to 5 MB, or its https link)"
          },
          "unavailable": {
            "type": "string",
            "nullable": true,
            "description": "why it cannot be sent now; null when it can"
          }
        },
        "additionalProperties": false
      },
      "TemplateList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Template"
            }
          }
        },
        "additionalProperties": false
      },
      "TemplateSend": {
        "type": "object",
        "required": [
          "name",
          "language"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "language": {
            "type": "string"
          },
          "header": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "the header's {{1}}, when it has one"
          },
          "body": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "the body's {{1}}, {{2}}, ... in order"
          },
          "header_media": {
            "type": "object",
            "required": [
              "link"
            ],
            "properties": {
              "link": {
                "type": "string",
                "description": "an https URL of the header's image, video or document, which WhatsApp downloads"
              },
              "filename": {
                "type": "string",
                "description": "a document's name, shown to the customer"
              }
            },
            "description": "the media header by link (a file goes as multipart/form-data instead)"
          }
        }
      }
    }
  }
}
"""#

    /// `extra` merged into `base`, objects key by key (deep), other values from `extra`.
    static func merged(_ base: String, _ extras: [String]) -> String {
        guard var doc = (try? JSONSerialization.jsonObject(with: Data(base.utf8))) as? [String: Any] else { return base }
        for extra in extras {
            guard let more = (try? JSONSerialization.jsonObject(with: Data(extra.utf8))) as? [String: Any] else { continue }
            doc = deepMerge(doc, more)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]) else { return base }
        return String(decoding: data, as: UTF8.self)
    }

    private static func deepMerge(_ a: [String: Any], _ b: [String: Any]) -> [String: Any] {
        var out = a
        for (k, v) in b {
            if let left = out[k] as? [String: Any], let right = v as? [String: Any] { out[k] = deepMerge(left, right) } else { out[k] = v }
        }
        return out
    }
}
