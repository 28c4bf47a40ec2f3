import Foundation

/// The inbox's tools in the OpenAPI document (issue 13): their paths and schemas, joined
/// to `baseDocument` once (`document`). Plain JSON in a raw string, edited by hand like
/// the base.
extension InboxOpenAPI {
    /// The whole document: `baseDocument` with the parts kept beside their handlers
    /// merged in (`merged`, InboxOpenAPI+AgentTools.swift): the inbox's tools, then
    /// templates and attachments.
    static let document: String = merged(baseDocument, [toolsDocument, agentTools])

    static let toolsDocument = #"""
{
  "paths": {
    "/api/v1/users": {
      "get": {
        "operationId": "listUsers",
        "summary": "The workspace's users (for assignment), oldest first",
        "tags": [
          "people"
        ],
        "responses": {
          "200": {
            "description": "the users",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/User"
                      }
                    }
                  },
                  "additionalProperties": false
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
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
    "/api/v1/canned-replies": {
      "get": {
        "operationId": "listCannedReplies",
        "summary": "Canned replies, by shortcut (every role)",
        "tags": [
          "canned replies"
        ],
        "responses": {
          "200": {
            "description": "the canned replies",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/CannedReply"
                      }
                    }
                  },
                  "additionalProperties": false
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      },
      "post": {
        "operationId": "createCannedReply",
        "summary": "Add a canned reply (owners and admins)",
        "tags": [
          "canned replies"
        ],
        "responses": {
          "201": {
            "description": "created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CannedReply"
                }
              }
            }
          },
          "400": {
            "description": "a bad shortcut or text",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "code conflict: the shortcut is taken",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CannedReplyBody"
              }
            }
          }
        }
      }
    },
    "/api/v1/canned-replies/{id}": {
      "put": {
        "operationId": "updateCannedReply",
        "summary": "Change a canned reply (owners and admins)",
        "tags": [
          "canned replies"
        ],
        "responses": {
          "200": {
            "description": "changed",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CannedReply"
                }
              }
            }
          },
          "400": {
            "description": "a bad shortcut or text",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such canned reply in this workspace",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "code conflict: the shortcut is taken",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the record's id",
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
                "$ref": "#/components/schemas/CannedReplyBody"
              }
            }
          }
        }
      },
      "delete": {
        "operationId": "deleteCannedReply",
        "summary": "Delete a canned reply (owners and admins)",
        "tags": [
          "canned replies"
        ],
        "responses": {
          "200": {
            "description": "deleted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Deleted"
                }
              }
            }
          },
          "404": {
            "description": "no such canned reply in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the record's id",
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/api/v1/labels": {
      "get": {
        "operationId": "listLabels",
        "summary": "Labels, by name (every role)",
        "tags": [
          "labels"
        ],
        "responses": {
          "200": {
            "description": "the labels",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Label"
                      }
                    }
                  },
                  "additionalProperties": false
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      },
      "post": {
        "operationId": "createLabel",
        "summary": "Add a label (owners and admins)",
        "tags": [
          "labels"
        ],
        "responses": {
          "201": {
            "description": "created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Label"
                }
              }
            }
          },
          "400": {
            "description": "a bad name or colour",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "code conflict: the name is taken",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LabelBody"
              }
            }
          }
        }
      }
    },
    "/api/v1/labels/{id}": {
      "delete": {
        "operationId": "deleteLabel",
        "summary": "Delete a label; it leaves every conversation (owners and admins)",
        "tags": [
          "labels"
        ],
        "responses": {
          "200": {
            "description": "deleted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Deleted"
                }
              }
            }
          },
          "404": {
            "description": "no such label in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the record's id",
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/api/v1/conversations/{id}/labels": {
      "post": {
        "operationId": "attachLabel",
        "summary": "Put a label on a conversation (every role)",
        "tags": [
          "labels"
        ],
        "responses": {
          "200": {
            "description": "the conversation with its labels",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
                }
              }
            }
          },
          "400": {
            "description": "no label_id",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation or label in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the conversation's id",
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
                "$ref": "#/components/schemas/LabelLink"
              }
            }
          }
        }
      }
    },
    "/api/v1/conversations/{id}/labels/{label_id}": {
      "delete": {
        "operationId": "detachLabel",
        "summary": "Take a label off a conversation (every role)",
        "tags": [
          "labels"
        ],
        "responses": {
          "200": {
            "description": "the conversation with its labels",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the conversation's id",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "label_id",
            "in": "path",
            "required": true,
            "description": "the label's id",
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/api/v1/conversations/{id}/takeover": {
      "post": {
        "operationId": "takeOver",
        "summary": "Take a bot conversation over: it becomes human (and the caller's, when unassigned); an agent's reply does the same",
        "tags": [
          "conversations"
        ],
        "responses": {
          "200": {
            "description": "the conversation",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
                }
              }
            }
          },
          "404": {
            "description": "no such conversation in this workspace",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "code invalid_transition: the conversation is not the bot's",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the conversation's id",
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/api/v1/contacts/{id}": {
      "get": {
        "operationId": "contactDetail",
        "summary": "The contact panel: the contact, its profile, notes (newest 50) and conversations (newest 20)",
        "tags": [
          "contacts"
        ],
        "responses": {
          "200": {
            "description": "the contact",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ContactDetail"
                }
              }
            }
          },
          "404": {
            "description": "no such contact in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the contact's id",
            "schema": {
              "type": "string"
            }
          }
        ]
      },
      "patch": {
        "operationId": "updateContact",
        "summary": "Set the contact's name (null clears it) and/or replace its custom attributes",
        "tags": [
          "contacts"
        ],
        "responses": {
          "200": {
            "description": "the profile",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ContactProfile"
                }
              }
            }
          },
          "400": {
            "description": "a bad name or attributes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such contact in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the contact's id",
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
                "$ref": "#/components/schemas/ContactProfileBody"
              }
            }
          }
        }
      }
    },
    "/api/v1/contacts/{id}/notes": {
      "post": {
        "operationId": "addContactNote",
        "summary": "Add a note about the contact (seen by the team only)",
        "tags": [
          "contacts"
        ],
        "responses": {
          "201": {
            "description": "the note",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ContactNote"
                }
              }
            }
          },
          "400": {
            "description": "an empty or too long note",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such contact in this workspace",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the contact's id",
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
                "$ref": "#/components/schemas/TextBody"
              }
            }
          }
        }
      }
    },
    "/api/v1/reports/daily": {
      "get": {
        "operationId": "dailyReport",
        "summary": "The daily report of the workspace, in its time zone (owners and admins); format=csv downloads it",
        "tags": [
          "reports"
        ],
        "responses": {
          "200": {
            "description": "the report (JSON), or with format=csv one line per day and channel ('all' for every channel) as text/csv",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DailyReport"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "description": "bad dates, a range over 366 days, or a bad format",
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
          "403": {
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token; or (code forbidden) a role that may not do this",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "from",
            "in": "query",
            "required": false,
            "description": "first day, YYYY-MM-DD (default: 13 days before to)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": false,
            "description": "last day, YYYY-MM-DD (default: today)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "format",
            "in": "query",
            "required": false,
            "description": "json (default) or csv",
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "csv"
              ]
            }
          }
        ]
      }
    }
  },
  "components": {
    "schemas": {
      "CannedReply": {
        "type": "object",
        "required": [
          "id",
          "shortcut",
          "text",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "shortcut": {
            "type": "string",
            "description": "typed after / in the composer"
          },
          "text": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          }
        },
        "additionalProperties": false
      },
      "CannedReplyBody": {
        "type": "object",
        "required": [
          "shortcut",
          "text"
        ],
        "properties": {
          "shortcut": {
            "type": "string",
            "description": "1-32 of a-z 0-9 - _ (a leading / is dropped)"
          },
          "text": {
            "type": "string",
            "description": "1-4096 characters"
          }
        },
        "additionalProperties": false
      },
      "Label": {
        "type": "object",
        "required": [
          "id",
          "name",
          "color"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "color": {
            "type": "string",
            "nullable": true,
            "enum": [
              "grey",
              "red",
              "orange",
              "yellow",
              "green",
              "teal",
              "blue",
              "purple",
              null
            ]
          }
        },
        "additionalProperties": false
      },
      "LabelBody": {
        "type": "object",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "description": "1-40 characters, unique in the workspace"
          },
          "color": {
            "type": "string",
            "nullable": true,
            "enum": [
              "grey",
              "red",
              "orange",
              "yellow",
              "green",
              "teal",
              "blue",
              "purple",
              null
            ]
          }
        },
        "additionalProperties": false
      },
      "LabelLink": {
        "type": "object",
        "required": [
          "label_id"
        ],
        "properties": {
          "label_id": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "Deleted": {
        "type": "object",
        "required": [
          "id",
          "deleted"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "deleted": {
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "ContactProfile": {
        "type": "object",
        "required": [
          "contact_id",
          "name",
          "attributes",
          "updated_at"
        ],
        "properties": {
          "contact_id": {
            "type": "string"
          },
          "name": {
            "type": "string",
            "nullable": true,
            "description": "the name agents gave; null: none (the profile name shows)"
          },
          "attributes": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "updated_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds",
            "nullable": true
          }
        },
        "additionalProperties": false
      },
      "ContactProfileBody": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "nullable": true,
            "description": "at most 100 characters; null or empty clears it"
          },
          "attributes": {
            "type": "object",
            "description": "at most 32; names 1-40 characters, values strings up to 500",
            "additionalProperties": {
              "type": "string"
            }
          }
        },
        "additionalProperties": false
      },
      "ContactNote": {
        "type": "object",
        "required": [
          "id",
          "contact_id",
          "author",
          "text",
          "created_at"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "contact_id": {
            "type": "string"
          },
          "author": {
            "type": "string",
            "description": "user id, or token:<id>"
          },
          "text": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          }
        },
        "additionalProperties": false
      },
      "ContactDetail": {
        "type": "object",
        "required": [
          "contact",
          "profile",
          "notes",
          "conversations"
        ],
        "properties": {
          "contact": {
            "$ref": "#/components/schemas/Contact"
          },
          "profile": {
            "$ref": "#/components/schemas/ContactProfile"
          },
          "notes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ContactNote"
            }
          },
          "conversations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Conversation"
            }
          }
        },
        "additionalProperties": false
      },
      "TextBody": {
        "type": "object",
        "required": [
          "text"
        ],
        "properties": {
          "text": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "ReportDay": {
        "type": "object",
        "required": [
          "date",
          "conversations_started",
          "messages_in",
          "messages_out",
          "bot_only",
          "bot_only_share",
          "handoffs",
          "first_replies",
          "first_reply_median_seconds",
          "first_reply_p90_seconds"
        ],
        "properties": {
          "date": {
            "type": "string",
            "description": "YYYY-MM-DD in the workspace's time zone"
          },
          "conversations_started": {
            "type": "integer",
            "minimum": 0,
            "description": "conversations created, and resolved ones a customer reopened"
          },
          "messages_in": {
            "type": "integer",
            "minimum": 0,
            "description": "received events"
          },
          "messages_out": {
            "type": "integer",
            "minimum": 0,
            "description": "sent events (bot and agents)"
          },
          "bot_only": {
            "type": "integer",
            "minimum": 0,
            "description": "conversations started this day that the bot answered and never moved to a human"
          },
          "bot_only_share": {
            "type": "number",
            "nullable": true,
            "description": "bot_only / conversations_started; null when none started"
          },
          "handoffs": {
            "type": "integer",
            "minimum": 0,
            "description": "moves from bot to human (handoff or take over)"
          },
          "first_replies": {
            "type": "integer",
            "minimum": 0,
            "description": "handoffs of this day answered by an agent within the range"
          },
          "first_reply_median_seconds": {
            "type": "number",
            "nullable": true,
            "description": "median wait from a handoff to the first agent reply"
          },
          "first_reply_p90_seconds": {
            "type": "number",
            "nullable": true,
            "description": "90th percentile of that wait (nearest rank)"
          }
        },
        "additionalProperties": false
      },
      "DailyReport": {
        "type": "object",
        "required": [
          "from",
          "to",
          "timezone",
          "days",
          "channels"
        ],
        "properties": {
          "from": {
            "type": "string"
          },
          "to": {
            "type": "string"
          },
          "timezone": {
            "type": "string"
          },
          "days": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ReportDay"
            }
          },
          "channels": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "channel",
                "days"
              ],
              "properties": {
                "channel": {
                  "type": "string"
                },
                "days": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/ReportDay"
                  }
                }
              },
              "additionalProperties": false
            }
          }
        },
        "additionalProperties": false
      }
    }
  }
}
"""#
}
