/// The OpenAPI 3.0 description of the inbox API, served at `GET /api/v1/openapi.json`.
/// Kept by hand beside the handlers; `InboxOpenAPITests` checks that every route of the
/// router is here with the same method and path, and that the real handlers' answers
/// validate against these schemas. Edit the JSON directly (it is plain JSON in a raw
/// string; no generator). The auth routes (login, logout, me) are described here too,
/// as the contract gives them; they are served by the authentication.
enum InboxOpenAPI {
    /// The routes before the inbox's tools; `document` adds those (InboxOpenAPI+Tools.swift).
    static let baseDocument = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Switchboard inbox API",
    "version": "1",
    "description": "The shared inbox of a workspace (docs/inbox-api.md). Every record belongs to the caller's workspace; another workspace's records answer 404. Errors are {\"error\": sentence}."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearerToken": []
    },
    {
      "sessionCookie": []
    }
  ],
  "paths": {
    "/api/v1/login": {
      "post": {
        "operationId": "login",
        "summary": "Start a session (sets the sb_session cookie)",
        "tags": [
          "auth"
        ],
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginBody"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "signed in; the cookie is set",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "401": {
            "description": "bad credentials",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "too many attempts, per account and per address",
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
    "/api/v1/logout": {
      "post": {
        "operationId": "logout",
        "summary": "End the session",
        "tags": [
          "auth"
        ],
        "responses": {
          "204": {
            "description": "the session is deleted and the cookie cleared"
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
    "/api/v1/me": {
      "get": {
        "operationId": "me",
        "summary": "Who is calling",
        "tags": [
          "auth"
        ],
        "responses": {
          "200": {
            "description": "the caller",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
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
          }
        }
      }
    },
    "/api/v1/conversations": {
      "get": {
        "operationId": "listConversations",
        "summary": "Conversations, most recent activity first (updated_at, then id, descending)",
        "tags": [
          "conversations"
        ],
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": false,
            "description": "only conversations in this state",
            "schema": {
              "type": "string",
              "enum": [
                "bot",
                "human",
                "resolved"
              ]
            }
          },
          {
            "name": "assigned",
            "in": "query",
            "required": false,
            "description": "me: assigned to the caller; none: unassigned",
            "schema": {
              "type": "string",
              "enum": [
                "me",
                "none"
              ]
            }
          },
          {
            "name": "channel",
            "in": "query",
            "required": false,
            "description": "only conversations on this channel",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "label",
            "in": "query",
            "required": false,
            "description": "only conversations carrying this label (its id)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "next_cursor of the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "page size, 1 to 100 (default 50)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 50
            }
          }
        ],
        "responses": {
          "200": {
            "description": "one page",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConversationPage"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter or the body is not valid",
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
          }
        }
      }
    },
    "/api/v1/conversations/{id}": {
      "get": {
        "operationId": "getConversation",
        "summary": "A conversation with its contact and one page of its messages and journal, newest page first",
        "tags": [
          "conversations"
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
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "next_cursor of the previous answer: the page of older messages and events; absent for the newest page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "at most this many messages and this many events per page, 1 to 100 (default 50)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 50
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the conversation",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConversationDetail"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter is not valid (a limit out of range, a cursor this API did not return)",
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
          }
        }
      }
    },
    "/api/v1/conversations/{id}/reply": {
      "post": {
        "operationId": "reply",
        "summary": "Queue a reply to the customer through the channel's outbox",
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
        },
        "responses": {
          "202": {
            "description": "queued (status queued)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "400": {
            "description": "the text is missing or empty",
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
          "409": {
            "description": "outside WhatsApp's 24-hour customer service window (code outside_window); nothing was queued",
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
    "/api/v1/conversations/{id}/notes": {
      "post": {
        "operationId": "addNote",
        "summary": "Add an internal note (never sent)",
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
        },
        "responses": {
          "201": {
            "description": "the note (kind note, status null)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "400": {
            "description": "the text is missing or empty",
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
    "/api/v1/conversations/{id}/assign": {
      "post": {
        "operationId": "assign",
        "summary": "Assign to an agent, or unassign with null",
        "tags": [
          "conversations"
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
                "$ref": "#/components/schemas/AssignBody"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "the conversation after the change",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter or the body is not valid",
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
    "/api/v1/conversations/{id}/resolve": {
      "post": {
        "operationId": "resolve",
        "summary": "Resolve (from bot or human)",
        "tags": [
          "conversations"
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
            "description": "the conversation after the change",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
          "409": {
            "description": "the state machine does not allow this from the conversation's state (code invalid_transition)",
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
    "/api/v1/conversations/{id}/reopen": {
      "post": {
        "operationId": "reopen",
        "summary": "Reopen a resolved conversation for the agents (resolved to human)",
        "tags": [
          "conversations"
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
            "description": "the conversation after the change",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
          "409": {
            "description": "the state machine does not allow this from the conversation's state (code invalid_transition)",
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
    "/api/v1/conversations/{id}/handback": {
      "post": {
        "operationId": "handBack",
        "summary": "Give the conversation back to the bot (human or resolved to bot)",
        "tags": [
          "conversations"
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
            "description": "the conversation after the change",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Conversation"
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
            "description": "a state-changing request with the session cookie but without a valid X-CSRF-Token",
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
          "409": {
            "description": "the state machine does not allow this from the conversation's state (code invalid_transition)",
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
    "/api/v1/contacts": {
      "get": {
        "operationId": "listContacts",
        "summary": "Contacts, newest first",
        "tags": [
          "contacts"
        ],
        "parameters": [
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "next_cursor of the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "page size, 1 to 100 (default 50)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 50
            }
          }
        ],
        "responses": {
          "200": {
            "description": "one page",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ContactPage"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter or the body is not valid",
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
          }
        }
      }
    },
    "/api/v1/contacts/{id}/export": {
      "get": {
        "operationId": "exportContact",
        "summary": "Everything stored about one contact, as one JSON document (owners only; GDPR access requests)",
        "tags": [
          "contacts"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "contact id",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the export, sent as an attachment",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ContactExport"
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
            "description": "not the workspace's owner",
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
          }
        }
      }
    },
    "/api/v1/contacts/{id}/erase": {
      "post": {
        "operationId": "eraseContact",
        "summary": "Erase a contact: messages' text and payloads, profile and number, journal details; queued replies cancelled (owners only; cannot be undone)",
        "tags": [
          "contacts"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "contact id",
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
                "type": "object",
                "required": [
                  "confirm"
                ],
                "properties": {
                  "confirm": {
                    "type": "boolean",
                    "enum": [
                      true
                    ]
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "what was erased",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Erasure"
                }
              }
            }
          },
          "400": {
            "description": "the body is not {\"confirm\": true}",
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
            "description": "not the workspace's owner, or a session request without a valid X-CSRF-Token",
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
          }
        }
      }
    },
    "/api/v1/channels": {
      "get": {
        "operationId": "listChannels",
        "summary": "The channels serving this workspace and their live state (the inbox shows admins a banner while one is down)",
        "tags": [
          "channels"
        ],
        "responses": {
          "200": {
            "description": "every channel owned by the workspace, or shared with it as the fallback",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChannelList"
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
          }
        }
      }
    },
    "/api/v1/messages/{id}/media": {
      "get": {
        "operationId": "downloadMedia",
        "summary": "The bytes of an inbound message's media, downloaded from the provider now and streamed (CSP sandbox, nosniff, attachment unless a safe image or audio type)",
        "tags": [
          "messages"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "the message id",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the media, with its MIME type",
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "401": {
            "description": "no valid credential",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "no such message in this workspace, or it has no media",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "400": {
            "description": "the message's stored media id is not a WhatsApp media id (digits only)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "this workspace has media.downloads_per_workspace downloads in progress (code too_many_downloads); Retry-After says when to try again",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "the host's download pool is full (code downloads_busy); Retry-After says when to try again",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "502": {
            "description": "the provider did not give the media (expired, or unreachable), or it is larger than media.max_bytes (code media_too_large)",
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
    "/api/v1/search": {
      "get": {
        "operationId": "search",
        "summary": "Full-text search over message text, best match first",
        "tags": [
          "messages"
        ],
        "parameters": [
          {
            "name": "q",
            "in": "query",
            "required": true,
            "description": "plain words, all required (no search syntax)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "page size, 1 to 100 (default 50)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 50
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the matching messages",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SearchResults"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter or the body is not valid",
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
          }
        }
      }
    },
    "/api/v1/events": {
      "get": {
        "operationId": "events",
        "summary": "The workspace's journal as server-sent events",
        "tags": [
          "events"
        ],
        "description": "Each event: `event: <kind>`, `id: <event id>`, `data: <Event JSON>`. Without Last-Event-ID the stream starts with the events journalled after the request; a comment line is sent after 15 seconds without events.",
        "parameters": [
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "resume after this event id",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 0
            }
          }
        ],
        "responses": {
          "200": {
            "description": "the stream (text/event-stream); each data line is an Event",
            "content": {
              "text/event-stream": {
                "schema": {
                  "$ref": "#/components/schemas/Event"
                }
              }
            }
          },
          "400": {
            "description": "a query parameter or the body is not valid",
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
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "tags": [
          "meta"
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "the OpenAPI 3.0 document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "an API token of one workspace (switchboard token create)"
      },
      "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sb_session",
        "description": "set by POST /api/v1/login; state-changing requests also need X-CSRF-Token"
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "string",
            "description": "one sentence saying what went wrong"
          },
          "code": {
            "type": "string",
            "nullable": true,
            "description": "machine-readable reason where a client acts on it: outside_window, invalid_transition, forbidden (a role that may not do this), conflict (a name or shortcut taken)"
          }
        },
        "additionalProperties": false
      },
      "Conversation": {
        "type": "object",
        "required": [
          "id",
          "channel",
          "contact_id",
          "state",
          "assigned_to",
          "last_inbound_at",
          "created_at",
          "updated_at",
          "unread"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "channel": {
            "type": "string"
          },
          "contact_id": {
            "type": "string"
          },
          "state": {
            "type": "string",
            "enum": [
              "bot",
              "human",
              "resolved"
            ],
            "description": "bot: the responders answer; human: agents answer; resolved: closed"
          },
          "assigned_to": {
            "type": "string",
            "nullable": true,
            "description": "user id of the agent, or null"
          },
          "last_inbound_at": {
            "type": "string",
            "format": "date-time",
            "nullable": true,
            "description": "RFC 3339, UTC, milliseconds"
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
          },
          "unread": {
            "type": "integer",
            "minimum": 0,
            "description": "inbound messages since the last outbound one (notes do not count as outbound)"
          },
          "labels": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Label"
            },
            "description": "the conversation's labels, by name"
          }
        },
        "additionalProperties": false
      },
      "ChannelList": {
        "type": "object",
        "required": [
          "channels"
        ],
        "properties": {
          "channels": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Channel"
            }
          }
        },
        "additionalProperties": false
      },
      "Channel": {
        "type": "object",
        "required": [
          "id",
          "type",
          "state",
          "down",
          "since",
          "reason"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "type": {
            "type": "string",
            "description": "whatsapp, telegram, webchat, ..."
          },
          "state": {
            "type": "string",
            "description": "starting, connected, degraded (calls fail; messages wait and are retried), auth_failed (credentials refused; messages held), stopped; a WhatsApp Web session also connecting, needs_pairing, logged_out, replaced (messages held)"
          },
          "down": {
            "type": "boolean",
            "description": "true while messages cannot go out (degraded, auth_failed, stopped, needs_pairing, logged_out, replaced)"
          },
          "since": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          },
          "reason": {
            "type": "string",
            "nullable": true,
            "description": "the provider's error that caused the state, when there is one"
          },
          "pairing": {
            "type": "object",
            "description": "whatsapp_web in needs_pairing, admins and owners only: the QR code to scan in WhatsApp > Linked devices",
            "properties": {
              "qr_image": {
                "type": "string",
                "nullable": true,
                "description": "the QR as a data:image/png;base64 URL"
              },
              "qr_code": {
                "type": "string",
                "nullable": true,
                "description": "the text the QR encodes"
              },
              "pairing_code": {
                "type": "string",
                "nullable": true,
                "description": "the code to type on the phone instead, when one was asked for (switchboard channels --qr ID --number N)"
              }
            },
            "additionalProperties": false
          }
        },
        "additionalProperties": false
      },
      "Contact": {
        "type": "object",
        "required": [
          "id",
          "e164",
          "profile_name",
          "name",
          "created_at"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "e164": {
            "type": "string",
            "description": "the contact's address: + and digits for a phone number; user:ID (a WhatsApp user without a shared number), telegram:CHAT or visitor:ID otherwise"
          },
          "profile_name": {
            "type": "string",
            "nullable": true
          },
          "name": {
            "type": "string",
            "nullable": true,
            "description": "the name agents gave the contact (PATCH /contacts/{id}), shown instead of profile_name"
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          }
        },
        "additionalProperties": false
      },
      "Message": {
        "type": "object",
        "required": [
          "id",
          "conversation_id",
          "direction",
          "kind",
          "text",
          "status",
          "error_code",
          "error_title",
          "author",
          "created_at"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "conversation_id": {
            "type": "string"
          },
          "direction": {
            "type": "string",
            "enum": [
              "inbound",
              "outbound"
            ]
          },
          "kind": {
            "type": "string",
            "enum": [
              "text",
              "image",
              "audio",
              "video",
              "document",
              "sticker",
              "location",
              "contacts",
              "interactive",
              "button",
              "reaction",
              "system",
              "order",
              "unsupported",
              "note",
              "template"
            ]
          },
          "text": {
            "type": "string",
            "nullable": true
          },
          "status": {
            "type": "string",
            "nullable": true,
            "enum": [
              "queued",
              "sending",
              "sent",
              "delivered",
              "read",
              "failed"
            ],
            "description": "delivery status of outbound messages; null for inbound messages and notes"
          },
          "error_code": {
            "type": "string",
            "nullable": true
          },
          "error_title": {
            "type": "string",
            "nullable": true
          },
          "author": {
            "type": "string",
            "nullable": true,
            "description": "user id of the agent who wrote a reply or note; null otherwise"
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          }
        },
        "additionalProperties": false
      },
      "Event": {
        "type": "object",
        "required": [
          "id",
          "kind",
          "conversation_id",
          "message_id",
          "channel",
          "detail",
          "created_at"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64",
            "description": "global, increasing: the SSE id and Last-Event-ID"
          },
          "kind": {
            "type": "string",
            "enum": [
              "received",
              "duplicate",
              "routed",
              "unrouted",
              "state_changed",
              "verdict",
              "plugin_error",
              "plugin_event",
              "queued",
              "attempt",
              "retry_scheduled",
              "sent",
              "delivered",
              "read",
              "failed",
              "assigned",
              "note",
              "workspace_synced",
              "contact_erased",
              "content_expired",
              "channel_state",
              "contact_merged"
            ]
          },
          "conversation_id": {
            "type": "string",
            "nullable": true
          },
          "message_id": {
            "type": "string",
            "nullable": true
          },
          "channel": {
            "type": "string",
            "nullable": true
          },
          "detail": {
            "type": "object",
            "description": "the step's details (string values for the built-in kinds)"
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, UTC, milliseconds"
          }
        },
        "additionalProperties": false
      },
      "ConversationPage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Conversation"
            }
          },
          "next_cursor": {
            "type": "string",
            "nullable": true,
            "description": "pass as cursor for the next page; null on the last page"
          }
        },
        "additionalProperties": false
      },
      "ContactExport": {
        "type": "object",
        "required": [
          "format", "workspace", "exported_at", "contact", "conversations", "messages", "events", "profile", "notes", "aliases"
        ],
        "properties": {
          "format": {
            "type": "string",
            "enum": [
              "switchboard.contact-export/1"
            ]
          },
          "workspace": {
            "type": "string"
          },
          "exported_at": {
            "type": "string",
            "format": "date-time"
          },
          "contact": {
            "type": "object",
            "required": [
              "id",
              "e164",
              "raw_phone",
              "profile_name",
              "created_at"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "e164": {
                "type": "string"
              },
              "raw_phone": {
                "type": "string",
                "nullable": true
              },
              "profile_name": {
                "type": "string",
                "nullable": true
              },
              "created_at": {
                "type": "string",
                "format": "date-time"
              }
            }
          },
          "aliases": {
            "type": "array",
            "description": "the contact's other addresses: a WhatsApp LID (lid) or a business-scoped user id (bsuid)",
            "items": {
              "type": "object",
              "required": ["kind", "value"],
              "properties": {
                "kind": {"type": "string", "enum": ["lid", "bsuid"]},
                "value": {"type": "string"}
              }
            }
          },
          "conversations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Conversation"
            }
          },
          "messages": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "id",
                "conversation_id",
                "direction",
                "kind",
                "text",
                "created_at",
                "channel",
                "provider_message_id",
                "payload"
              ],
              "properties": {
                "id": {
                  "type": "string"
                },
                "conversation_id": {
                  "type": "string"
                },
                "direction": {
                  "type": "string"
                },
                "kind": {
                  "type": "string"
                },
                "text": {
                  "type": "string",
                  "nullable": true
                },
                "created_at": {
                  "type": "string",
                  "format": "date-time"
                },
                "channel": {
                  "type": "string"
                },
                "provider_message_id": {
                  "type": "string",
                  "nullable": true
                },
                "payload": {
                  "nullable": true,
                  "description": "what the provider sent with the message (JSON), or the reply's buttons and author"
                }
              }
            }
          },
          "profile": {
            "type": "object",
            "description": "what the workspace's agents recorded: the name they gave, custom attributes",
            "required": ["name", "attributes"],
            "properties": {"name": {"type": "string", "nullable": true}, "attributes": {"type": "object"}}
          },
          "notes": {
            "type": "array",
            "items": {"type": "object", "required": ["author", "text", "created_at"],
                      "properties": {"author": {"type": "string"}, "text": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}}}
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Event"
            }
          }
        },
        "additionalProperties": false
      },
      "Erasure": {
        "type": "object",
        "required": [
          "contact_id",
          "conversations",
          "messages",
          "events",
          "cancelled_replies"
        ],
        "properties": {
          "contact_id": {
            "type": "string"
          },
          "conversations": {
            "type": "integer"
          },
          "messages": {
            "type": "integer",
            "description": "messages whose text and payload were removed"
          },
          "events": {
            "type": "integer",
            "description": "journal entries whose details were removed"
          },
          "cancelled_replies": {
            "type": "integer",
            "description": "replies still queued, not sent"
          },
          "unrouted": {
            "type": "integer",
            "description": "held (unrouted) messages of the contact's addresses on the workspace's channels, deleted"
          },
          "plugin_state": {
            "type": "integer",
            "description": "plugin state entries removed or rewritten: keys naming the contact or its conversations, and the llm plugin's cached answers to questions the contact wrote"
          }
        },
        "additionalProperties": false
      },
      "ContactPage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Contact"
            }
          },
          "next_cursor": {
            "type": "string",
            "nullable": true
          }
        },
        "additionalProperties": false
      },
      "SearchResults": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Message"
            }
          }
        },
        "additionalProperties": false
      },
      "ConversationDetail": {
        "type": "object",
        "required": [
          "conversation",
          "contact",
          "messages",
          "events",
          "next_cursor"
        ],
        "properties": {
          "conversation": {
            "$ref": "#/components/schemas/Conversation"
          },
          "contact": {
            "$ref": "#/components/schemas/Contact"
          },
          "messages": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Message"
            },
            "description": "the newest messages before the cursor (at most limit), oldest first"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Event"
            },
            "description": "the newest journal events of the conversation before the cursor (at most limit), in journal order; paged on their own, not aligned in time with the messages"
          },
          "next_cursor": {
            "type": "string",
            "nullable": true,
            "description": "pass as cursor for the page before (older messages and events; a list with nothing older comes back empty); null when this page reaches the start of both"
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
            "type": "string",
            "description": "not empty once trimmed"
          }
        },
        "additionalProperties": false
      },
      "AssignBody": {
        "type": "object",
        "required": [
          "user_id"
        ],
        "properties": {
          "user_id": {
            "type": "string",
            "nullable": true,
            "description": "the agent's user id; null unassigns"
          }
        },
        "additionalProperties": false
      },
      "User": {
        "type": "object",
        "required": [
          "id",
          "email",
          "role"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "owner",
              "admin",
              "agent"
            ]
          }
        },
        "additionalProperties": false
      },
      "LoginBody": {
        "type": "object",
        "required": [
          "email",
          "password",
          "workspace"
        ],
        "properties": {
          "email": {
            "type": "string"
          },
          "password": {
            "type": "string"
          },
          "workspace": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "Session": {
        "type": "object",
        "required": [
          "user",
          "workspace",
          "csrf_token"
        ],
        "properties": {
          "user": {
            "$ref": "#/components/schemas/User"
          },
          "workspace": {
            "type": "string"
          },
          "csrf_token": {
            "type": "string"
          }
        },
        "additionalProperties": false
      }
    }
  }
}
"""#
}
